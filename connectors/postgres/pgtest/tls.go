package pgtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TLS is the certificate material of a server started with StartTLS.
type TLS struct {
	CAPEM      string // the CA certificate that signed the server's, PEM
	OtherCAPEM string // a CA certificate that signed nothing, PEM
}

// StartTLS is Start with TLS on: the server's certificate, signed by a
// fresh CA, names localhost and 127.0.0.1; plain connections are still
// accepted.
func StartTLS(tb testing.TB) (*Server, TLS) {
	tb.Helper()
	caPEM, certPEM, keyPEM, err := makeCerts()
	if err != nil {
		tb.Fatalf("pgtest: making certificates: %v", err)
	}
	otherPEM, _, _, err := makeCerts()
	if err != nil {
		tb.Fatalf("pgtest: making certificates: %v", err)
	}
	s, err := startWith(func(s *Server) ([]string, error) {
		crt, key := filepath.Join(s.Dir, "server.crt"), filepath.Join(s.Dir, "server.key")
		if err := os.WriteFile(crt, certPEM, 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(key, keyPEM, 0o600); err != nil {
			return nil, err
		}
		return []string{"-c", "ssl=on", "-c", "ssl_cert_file=" + crt, "-c", "ssl_key_file=" + key}, nil
	}, "server.crt", "server.key")
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(s.Stop)
	return s, TLS{CAPEM: string(caPEM), OtherCAPEM: string(otherPEM)}
}

// makeCerts makes a CA and a server certificate it signs, as PEM.
func makeCerts() (caPEM, certPEM, keyPEM []byte, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pgtest CA"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(24 * time.Hour), DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// StartWithCertificate is Start with TLS on, the server presenting
// certPEM (its certificate, optionally followed by intermediate CA
// certificates, sent with it) and keyPEM, unencrypted; it asks for no
// client certificate, and plain connections are still accepted.
func StartWithCertificate(tb testing.TB, certPEM, keyPEM string) *Server {
	tb.Helper()
	s, err := startWith(func(s *Server) ([]string, error) {
		crt, key := filepath.Join(s.Dir, "server.crt"), filepath.Join(s.Dir, "server.key")
		if err := os.WriteFile(crt, []byte(certPEM), 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(key, []byte(keyPEM), 0o600); err != nil {
			return nil, err
		}
		return []string{"-c", "ssl=on", "-c", "ssl_cert_file=" + crt, "-c", "ssl_key_file=" + key}, nil
	}, "server.crt", "server.key")
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(s.Stop)
	return s
}
