package postgres

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lumosgo/lumos/errs"
)

// sqlStateCode is the error code of a SQLSTATE: by its exact value first,
// then by its class (its first two characters).
func sqlStateCode(state string) errs.ErrorCode {
	switch state {
	case "42501": // insufficient_privilege
		return errs.PermissionDenied
	case "3D000", "3F000", "42704", "42P01", "42883": // invalid_catalog_name, invalid_schema_name, undefined_object, undefined_table, undefined_function
		return errs.NotFound
	case "57014": // query_canceled (statement_timeout or our deadline)
		return errs.RequestTimeout
	}
	if len(state) < 2 {
		return errs.APIError
	}
	switch state[:2] {
	case "28": // invalid_authorization_specification, invalid_password
		return errs.Unauthorized
	case "08": // connection_exception
		return errs.APIError
	case "53", "57", "58": // insufficient resources, operator intervention, system error
		return errs.ServiceError
	case "22", "23", "2B", "42": // data exception, integrity constraint, dependent objects, syntax or access rule
		return errs.BadRequest
	}
	return errs.APIError
}

// describePgError classifies an error the server sent: the code from its
// SQLSTATE (also sent as app_error_code), the server's message (and detail)
// in the message. Server messages carry no password: the connector never
// sends one in a statement (see createAccount).
func describePgError(err error, d *errs.Details) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return
	}
	d.Code = sqlStateCode(pe.Code)
	d.AppErrorCode = pe.Code
	d.Message = pgMessage(pe)
}

// pgMessage is a server error as the connector reports it.
func pgMessage(pe *pgconn.PgError) string {
	msg := "PostgreSQL: " + pe.Message
	if pe.Detail != "" {
		msg += " (" + strings.TrimSuffix(pe.Detail, ".") + ")"
	}
	return msg + " [SQLSTATE " + pe.Code + "]"
}

// connectError classifies a failure to connect to database db: a server
// error keeps its SQLSTATE (3D000 names the database), a timeout is
// connection_timeout, any other network failure is api_error with the
// message an HTTP connector gives when it cannot connect, a TLS failure
// api_error naming it.
func connectError(err error, s Settings, db string) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if pe.Code == "3D000" {
			return errs.Wrap(err, errs.NotFound, fmt.Sprintf("PostgreSQL: the database %q does not exist on %s [SQLSTATE 3D000].", db, hostPort(s)))
		}
		return err
	}
	var rev *revocationError
	if errors.As(err, &rev) {
		return errs.Wrap(err, errs.APIError, fmt.Sprintf("PostgreSQL: the TLS connection to %s failed (sslmode %s): the server's certificate chain is refused by the crl setting: %s.", hostPort(s), s.SSLMode, rev.reason))
	}
	if cause := certModeCause(err); cause != "" {
		return errs.Wrap(err, errs.APIError, fmt.Sprintf("PostgreSQL: sslcertmode is require, and the connection to %s (sslmode %s) is refused: %s; "+
			"the server must ask for the client certificate (pg_hba.conf's cert method or clientcert, and ssl_ca_file).", hostPort(s), s.SSLMode, cause))
	}
	var ne net.Error
	var ue x509.UnknownAuthorityError
	var he x509.HostnameError
	var ce x509.CertificateInvalidError
	var re tls.RecordHeaderError
	switch {
	case errors.As(err, &ue) || errors.As(err, &he) || errors.As(err, &ce) || errors.As(err, &re) || strings.Contains(err.Error(), "tls:"):
		return errs.Wrap(err, errs.APIError, fmt.Sprintf("PostgreSQL: the TLS connection to %s failed (sslmode %s): %s", hostPort(s), s.SSLMode, tlsReason(err)))
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return errs.Wrap(err, errs.ConnectionTimeout, fmt.Sprintf("PostgreSQL: connecting to %s timed out.", hostPort(s)))
	case strings.Contains(err.Error(), "server refused TLS connection"):
		return errs.Wrap(err, errs.APIError, fmt.Sprintf("PostgreSQL: the server at %s does not accept TLS connections (sslmode %s).", hostPort(s), s.SSLMode))
	case errors.As(err, &ne):
		return errs.Wrap(err, errs.APIError, errs.MessageConnectFailed+" (PostgreSQL at "+hostPort(s)+")")
	}
	return err
}

// tlsReason is the innermost explanation of a TLS failure.
func tlsReason(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// certModeCause is why pgx refused a connection for sslcertmode require
// (its check's error, "server did not request an SSL certificate"), ""
// when err holds no such refusal.
func certModeCause(err error) string {
	if err == nil {
		return ""
	}
	const check = "sslcertmode check failed: "
	if msg := err.Error(); strings.HasPrefix(msg, check) {
		return strings.TrimPrefix(msg, check)
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return certModeCause(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if c := certModeCause(e); c != "" {
				return c
			}
		}
	}
	return ""
}
