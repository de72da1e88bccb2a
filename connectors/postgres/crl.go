package postgres

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"github.com/lumosgo/lumos/errs"
)

// parseCRLs reads the crl setting: one or more PEM "X509 CRL" blocks, each
// checked to parse. Signatures and validity are checked when a chain is.
func parseCRLs(text string) ([]*x509.RevocationList, error) {
	var out []*x509.RevocationList
	rest := []byte(text)
	for n := 1; ; n++ {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type != "X509 CRL" {
			return nil, errs.Newf(errs.BadRequest, "Invalid settings: crl holds a PEM block of type %q; it takes X509 CRL blocks only (-----BEGIN X509 CRL-----).", b.Type)
		}
		crl, err := x509.ParseRevocationList(b.Bytes)
		if err != nil {
			return nil, errs.Newf(errs.BadRequest, "Invalid settings: CRL %d of crl cannot be read: %v.", n, err)
		}
		out = append(out, crl)
	}
	if len(out) == 0 {
		return nil, errs.New(errs.BadRequest, "Invalid settings: crl holds no PEM certificate revocation list (-----BEGIN X509 CRL-----); "+
			"a DER file converts with `openssl crl -inform DER -in list.crl -out list.pem`.")
	}
	return out, nil
}

// revocationError is a server chain that the crl setting refuses: a
// certificate revoked, or a CA of the chain without a usable CRL.
type revocationError struct{ reason string }

func (e *revocationError) Error() string { return e.reason }

// checkRevocation checks verified chains (each from the server's
// certificate to a trusted root) against crls at time now, as OpenSSL
// does with CRL checks over the whole chain (libpq's setting): every
// certificate but the root must be unrevoked according to a CRL signed by
// its issuer that is in its validity window, and not listed by the newest
// of them. One chain passing is enough;
// otherwise the first chain's failure is returned.
func checkRevocation(chains [][]*x509.Certificate, crls []*x509.RevocationList, now time.Time) error {
	var first error
	for _, chain := range chains {
		err := checkChainRevocation(chain, crls, now)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// checkChainRevocation checks one chain, leaf first. The root, when it
// is self-issued, is checked against its own CRL too, as OpenSSL does; a
// trusted certificate issued by another is not (its issuer is unknown).
func checkChainRevocation(chain []*x509.Certificate, crls []*x509.RevocationList, now time.Time) error {
	for i, cert := range chain {
		issuer := cert
		if i+1 < len(chain) {
			issuer = chain[i+1]
		} else if !bytes.Equal(cert.RawIssuer, cert.RawSubject) {
			break
		}
		crl, err := crlOf(issuer, crls, now)
		if err != nil {
			return err
		}
		for _, r := range crl.RevokedCertificateEntries {
			if r.SerialNumber != nil && r.SerialNumber.Cmp(cert.SerialNumber) == 0 {
				what := "the server's certificate"
				switch {
				case i > 0 && issuer == cert:
					what = "the root CA certificate"
				case i > 0:
					what = "the intermediate CA certificate"
				}
				return &revocationError{fmt.Sprintf("certificate revoked: %s %q (serial 0x%s) is revoked by the CRL of %q in the crl setting (revoked %s%s)",
					what, cert.Subject.String(), serialText(cert), issuer.Subject.String(), r.RevocationTime.UTC().Format(time.RFC3339), reasonText(r.ReasonCode))}
			}
		}
	}
	return nil
}

// crlOf is the CRL of issuer that decides at now, as OpenSSL picks it:
// among the crl setting's CRLs that name issuer, that it signed and that
// are in their validity window, the newest (a delta CRL counts as a full
// one, as OpenSSL reads it without its option to use deltas, which libpq
// does not set). Without one the error says why, in OpenSSL's words: no
// CRL of that issuer, a CRL whose signature fails, a CRL that has expired
// or is not yet valid.
func crlOf(issuer *x509.Certificate, crls []*x509.RevocationList, now time.Time) (*x509.RevocationList, error) {
	var best, expired, early *x509.RevocationList
	var badSig error
	for _, crl := range crls {
		if !bytes.Equal(crl.RawIssuer, issuer.RawSubject) {
			continue
		}
		if err := crl.CheckSignatureFrom(issuer); err != nil {
			badSig = err
			continue
		}
		switch {
		case now.Before(crl.ThisUpdate):
			early = crl
		case !crl.NextUpdate.IsZero() && now.After(crl.NextUpdate):
			expired = crl
		case best == nil || crl.ThisUpdate.After(best.ThisUpdate):
			best = crl
		}
	}
	name := issuer.Subject.String()
	switch {
	case best != nil:
		return best, nil
	case expired != nil:
		return nil, &revocationError{fmt.Sprintf("CRL has expired: the CRL of %q in the crl setting was to be replaced by %s; give a current one",
			name, expired.NextUpdate.UTC().Format(time.RFC3339))}
	case early != nil:
		return nil, &revocationError{fmt.Sprintf("CRL is not yet valid: the CRL of %q in the crl setting is valid from %s",
			name, early.ThisUpdate.UTC().Format(time.RFC3339))}
	case badSig != nil:
		return nil, &revocationError{fmt.Sprintf("CRL signature failure: the CRL naming %q as its issuer in the crl setting is not signed by that CA (%v)", name, badSig)}
	}
	return nil, &revocationError{fmt.Sprintf("unable to get certificate CRL: the crl setting has no CRL of %q, a CA of the server's chain; "+
		"when crl is set, every CA of the chain (the root and each intermediate) needs its CRL there, as with libpq's sslcrl", name)}
}

// serialText is a certificate's serial number as OpenSSL prints it: hex.
func serialText(c *x509.Certificate) string {
	return strings.ToUpper(c.SerialNumber.Text(16))
}

// crlReasons are RFC 5280's revocation reason codes.
var crlReasons = map[int]string{
	1: "key compromise", 2: "CA compromise", 3: "affiliation changed", 4: "superseded", 5: "cessation of operation",
	6: "certificate hold", 8: "remove from CRL", 9: "privilege withdrawn", 10: "AA compromise",
}

// reasonText is ", reason: …" for a revocation with a known reason code.
func reasonText(code int) string {
	if r, ok := crlReasons[code]; ok {
		return ", reason: " + r
	}
	return ""
}
