package ldap

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/errs"
)

// resultCodes maps LDAP result codes (RFC 4511 §4.1.9) to error codes.
var resultCodes = map[uint16]errs.ErrorCode{
	goldap.LDAPResultInvalidCredentials:          errs.Unauthorized,
	goldap.LDAPResultInappropriateAuthentication: errs.Unauthorized,
	goldap.LDAPResultStrongAuthRequired:          errs.Unauthorized,
	goldap.LDAPResultConfidentialityRequired:     errs.Unauthorized,
	goldap.LDAPResultInsufficientAccessRights:    errs.PermissionDenied,
	goldap.LDAPResultNoSuchObject:                errs.NotFound,
	goldap.LDAPResultSizeLimitExceeded:           errs.APIError,
	goldap.LDAPResultAdminLimitExceeded:          errs.APIError,
	goldap.LDAPResultTimeLimitExceeded:           errs.RequestTimeout,
	goldap.LDAPResultTimeout:                     errs.RequestTimeout,
	goldap.LDAPResultBusy:                        errs.ServiceError,
	goldap.LDAPResultUnavailable:                 errs.ServiceError,
	goldap.LDAPResultUnwillingToPerform:          errs.BadRequest,
	goldap.LDAPResultConstraintViolation:         errs.BadRequest,
	goldap.LDAPResultInvalidAttributeSyntax:      errs.BadRequest,
	goldap.LDAPResultUndefinedAttributeType:      errs.BadRequest,
	goldap.LDAPResultObjectClassViolation:        errs.BadRequest,
	goldap.LDAPResultNamingViolation:             errs.BadRequest,
	goldap.LDAPResultInvalidDNSyntax:             errs.BadRequest,
	goldap.LDAPResultEntryAlreadyExists:          errs.BadRequest,
	goldap.LDAPResultAttributeOrValueExists:      errs.BadRequest,
	goldap.LDAPResultNoSuchAttribute:             errs.BadRequest,
	goldap.LDAPResultFilterError:                 errs.BadRequest,
	goldap.LDAPResultProtocolError:               errs.BadRequest,
	goldap.LDAPResultNotAllowedOnNonLeaf:         errs.BadRequest,
	goldap.ErrorFilterCompile:                    errs.BadRequest,
	goldap.ErrorFilterDecompile:                  errs.BadRequest,
	goldap.ErrorUnexpectedResponse:               errs.InvalidResponse,
	goldap.ErrorEmptyPassword:                    errs.Unauthorized,
}

// describeLDAPError maps a result code the server sent to an error code,
// with the server's diagnostic in the message. Network failures (go-ldap's
// ErrorNetwork) are left to the toolkit's own mapping of the network error
// they wrap, as for every connector.
func describeLDAPError(err error, d *errs.Details) {
	var le *goldap.Error
	if !errors.As(err, &le) {
		return
	}
	if le.ResultCode == goldap.ErrorNetwork {
		if untrustedCertificate(err) {
			d.Code = errs.ConnectionRejected
			d.Message = "LDAP: the server's TLS certificate is not trusted (" + le.Err.Error() +
				"): give its CA in ca_certificate, or set insecure_skip_verify for a test directory"
		}
		return
	}
	name := goldap.LDAPResultCodeMap[le.ResultCode]
	if name == "" {
		name = "Unknown"
	}
	code, ok := resultCodes[le.ResultCode]
	if !ok {
		code = errs.APIError
	}
	d.Code = code
	msg := ""
	if le.Err != nil {
		msg = le.Err.Error()
	}
	d.AppErrorCode = fmt.Sprintf("LDAP_%d", le.ResultCode)
	switch le.ResultCode {
	case goldap.LDAPResultSizeLimitExceeded, goldap.LDAPResultAdminLimitExceeded:
		msg += " (the server's size or administrative limit for the bind account was reached: raise it, or lower page_size)"
	case goldap.LDAPResultStrongAuthRequired, goldap.LDAPResultConfidentialityRequired:
		msg += " (the server requires TLS: use an ldaps:// url or start_tls)"
	}
	d.Message = fmt.Sprintf("LDAP: %s (result code %d %s)", msg, le.ResultCode, name)
}

// untrustedCertificate reports whether err is a failed check of the
// server's TLS certificate.
func untrustedCertificate(err error) bool {
	var (
		ua x509.UnknownAuthorityError
		ci x509.CertificateInvalidError
		he x509.HostnameError
		cv *tls.CertificateVerificationError
	)
	return errors.As(err, &ua) || errors.As(err, &ci) || errors.As(err, &he) || errors.As(err, &cv)
}
