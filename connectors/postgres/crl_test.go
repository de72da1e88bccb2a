package postgres_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/toolkit"
)

// ca is a test certificate authority that signs certificates and CRLs.
type ca struct {
	cert *x509.Certificate
	key  crypto.Signer
	pem  string
}

var serials int64 = 100

// nextSerial is a fresh serial number.
func nextSerial() *big.Int { serials++; return big.NewInt(serials) }

// newCA makes a CA named name (allowed to sign certificates and CRLs),
// signed by parent, or self-signed when parent is nil.
func newCA(t *testing.T, name string, parent *ca) *ca {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: name}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	signer, signerCert := crypto.Signer(key), tmpl
	if parent != nil {
		signer, signerCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &ca{cert: cert, key: key, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}

// serverCert issues a server certificate for localhost and 127.0.0.1:
// the certificate and its SEC 1 key, PEM.
func (a *ca) serverCert(t *testing.T) (*x509.Certificate, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: "localhost"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return cert, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
}

// crlOpt changes a CRL before it is signed.
type crlOpt func(*x509.RevocationList)

// valid sets a CRL's validity window relative to now.
func valid(from, to time.Duration) crlOpt {
	return func(l *x509.RevocationList) {
		l.ThisUpdate, l.NextUpdate = time.Now().Add(from), time.Now().Add(to)
	}
}

// delta marks a CRL as a delta CRL of base CRL number 1.
func delta(l *x509.RevocationList) {
	l.ExtraExtensions = append(l.ExtraExtensions, pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 27}, Critical: true, Value: []byte{2, 1, 1}})
}

// crl is a PEM CRL signed by a, revoking the certificates given, valid
// from an hour ago to a day from now unless an option says otherwise.
func (a *ca) crl(t *testing.T, revoked []*x509.Certificate, opts ...crlOpt) string {
	t.Helper()
	tmpl := &x509.RevocationList{Number: nextSerial(), ThisUpdate: time.Now().Add(-time.Hour), NextUpdate: time.Now().Add(24 * time.Hour)}
	for _, c := range revoked {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries,
			x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: time.Now().Add(-30 * time.Minute), ReasonCode: 1})
	}
	for _, o := range opts {
		o(tmpl)
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, a.cert, a.key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: der}))
}

// TestCRL connects to a server whose certificate is signed by an
// intermediate CA under a root, with CRLs of both in the crl setting:
// none revoked, the server's certificate revoked, the intermediate
// revoked, a CRL missing, from the wrong CA, forged, expired, not yet
// valid, a delta CRL; in each sslmode that checks the chain, and in
// require without a CA, which checks nothing (libpq's rule).
func TestCRL(t *testing.T) {
	root := newCA(t, "pgtls root CA", nil)
	inter := newCA(t, "pgtls intermediate CA", root)
	other := newCA(t, "pgtls other CA", nil)
	forger := newCA(t, "pgtls intermediate CA", nil) // the intermediate's name, another key
	leaf, certPEM, keyPEM := inter.serverCert(t)
	bystander, _, _ := inter.serverCert(t) // revoked, but not the server's
	srv := pgtest.StartWithCertificate(t, certPEM+inter.pem, keyPEM)

	rootCRL, interCRL := root.crl(t, nil), inter.crl(t, []*x509.Certificate{bystander})
	good := rootCRL + interCRL
	leafRevoked := rootCRL + inter.crl(t, []*x509.Certificate{bystander, leaf})
	interRevoked := root.crl(t, []*x509.Certificate{inter.cert}) + interCRL
	full := func(crl string) map[string]any {
		return map[string]any{"sslmode": "verify-full", "ca_certificate": root.pem, "crl": crl}
	}
	with := func(m map[string]any, k string, v any) map[string]any { m[k] = v; return m }
	cases := []struct {
		name     string
		settings map[string]any
		code     toolkit.ErrorCode // "" for success
		want     []string
	}{
		{"no crl", map[string]any{"sslmode": "verify-full", "ca_certificate": root.pem}, "", nil},
		{"none revoked", full(good), "", nil},
		{"none revoked, CRLs in the other order", full(interCRL + rootCRL), "", nil},
		{"none revoked, verify-ca", with(full(good), "sslmode", "verify-ca"), "", nil},
		{"none revoked, require with the CA", with(full(good), "sslmode", "require"), "", nil},
		{"server certificate revoked, verify-full", full(leafRevoked),
			"api_error", []string{"TLS", "certificate revoked", "the server's certificate", `"CN=localhost"`, "pgtls intermediate CA", "key compromise"}},
		{"server certificate revoked, by name", with(full(leafRevoked), "host", "localhost"),
			"api_error", []string{"certificate revoked", "the server's certificate"}},
		{"server certificate revoked, verify-ca", with(full(leafRevoked), "sslmode", "verify-ca"),
			"api_error", []string{"certificate revoked", "the server's certificate"}},
		{"server certificate revoked, require with the CA", with(full(leafRevoked), "sslmode", "require"),
			"api_error", []string{"certificate revoked", "sslmode require"}},
		{"server certificate revoked, require without a CA: nothing checked", map[string]any{"sslmode": "require", "crl": leafRevoked}, "", nil},
		{"server certificate revoked, prefer with the CA: the plain retry connects, as libpq's", with(full(leafRevoked), "sslmode", "prefer"), "", nil},
		{"intermediate revoked", full(interRevoked),
			"api_error", []string{"certificate revoked", "the intermediate CA certificate", `"CN=pgtls intermediate CA"`, "pgtls root CA"}},
		{"root revoked in its own CRL", full(root.crl(t, []*x509.Certificate{root.cert}) + interCRL),
			"api_error", []string{"certificate revoked", "the root CA certificate", `"CN=pgtls root CA"`}},
		{"root's CRL missing", full(interCRL),
			"api_error", []string{"unable to get certificate CRL", "pgtls root CA"}},
		{"intermediate's CRL missing", full(rootCRL),
			"api_error", []string{"unable to get certificate CRL", "pgtls intermediate CA"}},
		{"CRL from the wrong CA instead of the intermediate's", full(rootCRL + other.crl(t, nil)),
			"api_error", []string{"unable to get certificate CRL", "pgtls intermediate CA"}},
		{"forged CRL: the intermediate's name, another key", full(rootCRL + forger.crl(t, nil)),
			"api_error", []string{"CRL signature failure", "pgtls intermediate CA"}},
		{"expired CRL", full(rootCRL + inter.crl(t, nil, valid(-48*time.Hour, -24*time.Hour))),
			"api_error", []string{"CRL has expired", "pgtls intermediate CA"}},
		{"expired CRL revoking the server's certificate", full(rootCRL + inter.crl(t, []*x509.Certificate{leaf}, valid(-48*time.Hour, -24*time.Hour))),
			"api_error", []string{"CRL has expired"}},
		{"CRL not yet valid", full(rootCRL + inter.crl(t, nil, valid(time.Hour, 48*time.Hour))),
			"api_error", []string{"CRL is not yet valid"}},
		{"an expired CRL and a current one", full(rootCRL + inter.crl(t, nil, valid(-48*time.Hour, -24*time.Hour)) + interCRL), "", nil},
		{"a current CRL and a newer one revoking", full(rootCRL + interCRL + inter.crl(t, []*x509.Certificate{leaf}, valid(-time.Minute, time.Hour))),
			"api_error", []string{"certificate revoked"}},
		{"a newer delta CRL revoking: read as a full one, as OpenSSL does", full(good + inter.crl(t, []*x509.Certificate{leaf}, delta, valid(-time.Minute, time.Hour))),
			"api_error", []string{"certificate revoked"}},
		{"an older current CRL revoking, a newer one not: the newest decides, as in OpenSSL", full(rootCRL + inter.crl(t, []*x509.Certificate{leaf}, valid(-2*time.Hour, time.Hour)) + interCRL), "", nil},

		// refused before connecting
		{"not PEM", full("MIIB not a CRL"), "bad_request", []string{"crl holds no PEM certificate revocation list"}},
		{"a certificate", full(root.pem), "bad_request", []string{"crl holds a PEM block of type \"CERTIFICATE\""}},
		{"damaged", full(damage(interCRL)), "bad_request", []string{"CRL 1 of crl cannot be read"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg := target{srv: srv, user: pgtest.Superuser, password: pgtest.SuperPassword, settings: c.settings}
			if c.code == "" {
				tg.ok(t, "validate_credentials", map[string]any{}, nil)
				return
			}
			env := tg.fail(t, "validate_credentials", map[string]any{}, c.code, c.want...)
			t.Log(env.Error.Message)
		})
	}
}
