package pgtest

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/md5" //nolint:gosec // OpenSSL's traditional key encryption derives its key with MD5
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The roles of a server started with StartClientCert.
const (
	// CertUser logs in with its client certificate alone (pg_hba.conf
	// method cert): the certificate's CN must be the role name.
	CertUser = "certuser"
	// CertScramUser needs both a certificate whose CN is its name and its
	// password (method scram-sha-256 with clientcert=verify-full).
	CertScramUser = "scramcert"
	// CertScramPassword is CertScramUser's password.
	CertScramPassword = "scramcert-password-3b7e"
	// KeyPassphrase is the passphrase of ClientCerts.EncryptedKey and
	// ClientCerts.LegacyEncryptedKey.
	KeyPassphrase = "pgtest-key-passphrase"
)

// ClientCerts is the certificate material of a server started with
// StartClientCert, all PEM. Every client certificate but OtherCACert is
// signed by the CA that signed the server's (CAPEM), which the server
// trusts for client certificates.
type ClientCerts struct {
	TLS                       // the server's CA and a CA that signed nothing
	Cert, Key          string // CertUser's certificate and its EC key (SEC 1, "EC PRIVATE KEY")
	KeyPKCS8           string // Key in PKCS#8 ("PRIVATE KEY")
	RSACert, RSAKey    string // CertUser's certificate with an RSA key (PKCS#1, "RSA PRIVATE KEY")
	ChainCert          string // CertUser's certificate signed by an intermediate CA, followed by the intermediate's
	ChainKey           string // ChainCert's key (PKCS#8)
	ScramCert          string // CertScramUser's certificate
	ScramKey           string // ScramCert's key (PKCS#8)
	OtherCACert        string // CertUser's certificate signed by a CA the server does not trust
	OtherCAKey         string // OtherCACert's key (PKCS#8)
	EncryptedKey       string // Key encrypted with KeyPassphrase as PKCS#8 ("ENCRYPTED PRIVATE KEY", PBES2, AES-256-CBC)
	LegacyEncryptedKey string // Key encrypted with KeyPassphrase the traditional OpenSSL way (Proc-Type: 4,ENCRYPTED, AES-128-CBC)
}

// HBA is the pg_hba.conf of a server started with StartClientCert: the
// socket is trusted; over TLS, CertUser logs in with its certificate and
// CertScramUser with a certificate and its password; both are refused in
// plain text; every other role logs in with its password.
var HBA = strings.Join([]string{
	"local all all trust",
	"hostssl all " + CertUser + " 127.0.0.1/32 cert",
	"hostssl all " + CertScramUser + " 127.0.0.1/32 scram-sha-256 clientcert=verify-full",
	"host all " + CertUser + "," + CertScramUser + " 127.0.0.1/32 reject",
	"host all all 127.0.0.1/32 scram-sha-256",
	"",
}, "\n")

// StartClientCert is StartTLS with client certificates: the server trusts
// client certificates signed by its own CA (ssl_ca_file), its pg_hba.conf
// is HBA, and the roles CertUser and CertScramUser exist.
func StartClientCert(tb testing.TB) (*Server, ClientCerts) {
	tb.Helper()
	certs, server, err := makeClientCerts()
	if err != nil {
		tb.Fatalf("pgtest: making certificates: %v", err)
	}
	s, err := startWith(func(s *Server) ([]string, error) {
		files := map[string]string{"server.crt": server.cert, "server.key": server.key, "ca.crt": certs.CAPEM, "pg_hba.conf": HBA}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(s.Dir, name), []byte(text), 0o600); err != nil {
				return nil, err
			}
		}
		at := func(name string) string { return filepath.Join(s.Dir, name) }
		return []string{"-c", "ssl=on", "-c", "ssl_cert_file=" + at("server.crt"), "-c", "ssl_key_file=" + at("server.key"),
			"-c", "ssl_ca_file=" + at("ca.crt"), "-c", "hba_file=" + at("pg_hba.conf")}, nil
	}, "server.crt", "server.key", "ca.crt", "pg_hba.conf")
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(s.Stop)
	s.Exec(tb, "postgres", fmt.Sprintf("CREATE ROLE %s LOGIN; CREATE ROLE %s LOGIN PASSWORD '%s'", CertUser, CertScramUser, CertScramPassword))
	return s, certs
}

// issued is a certificate and its private key, PEM.
type issued struct{ cert, key string }

// authority is a CA that issues certificates.
type authority struct {
	cert *x509.Certificate
	key  crypto.Signer
	pem  string
}

// nextSerial is a random serial number.
func nextSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return n.Add(n, big.NewInt(1))
}

// newAuthority makes a root CA named name, or an intermediate signed by
// parent when it is not nil.
func newAuthority(name string, parent *authority) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: name}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	signer, signerCert := crypto.Signer(key), tmpl
	if parent != nil {
		signer, signerCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, &key.PublicKey, signer)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &authority{cert: cert, key: key, pem: pemOf("CERTIFICATE", der)}, nil
}

// issue signs a certificate for pub: a client certificate with CN name, or
// a server certificate for localhost and 127.0.0.1 when server is true.
func (a *authority) issue(name string, pub crypto.PublicKey, server bool) (string, error) {
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: name}, NotBefore: now.Add(-time.Hour),
		NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if server {
		tmpl.DNSNames, tmpl.IPAddresses = []string{"localhost"}, []net.IP{net.ParseIP("127.0.0.1")}
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, pub, a.key)
	if err != nil {
		return "", err
	}
	return pemOf("CERTIFICATE", der), nil
}

// issueEC makes a P-256 key and a certificate for it, the key in PKCS#8.
func (a *authority) issueEC(name string, server bool) (issued, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return issued{}, nil, err
	}
	cert, err := a.issue(name, &key.PublicKey, server)
	if err != nil {
		return issued{}, nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return issued{}, nil, err
	}
	return issued{cert: cert, key: pemOf("PRIVATE KEY", der)}, key, nil
}

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// makeClientCerts makes the material of StartClientCert and the server's
// certificate.
func makeClientCerts() (ClientCerts, issued, error) {
	var c ClientCerts
	ca, err := newAuthority("pgtest CA", nil)
	if err != nil {
		return c, issued{}, err
	}
	other, err := newAuthority("pgtest other CA", nil)
	if err != nil {
		return c, issued{}, err
	}
	inter, err := newAuthority("pgtest intermediate CA", ca)
	if err != nil {
		return c, issued{}, err
	}
	c.CAPEM, c.OtherCAPEM = ca.pem, other.pem
	server, _, err := ca.issueEC("localhost", true)
	if err != nil {
		return c, issued{}, err
	}
	user, key, err := ca.issueEC(CertUser, false)
	if err != nil {
		return c, issued{}, err
	}
	c.Cert, c.KeyPKCS8 = user.cert, user.key
	sec1, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return c, issued{}, err
	}
	c.Key = pemOf("EC PRIVATE KEY", sec1)
	if c.EncryptedKey, err = encryptPKCS8(c.KeyPKCS8, KeyPassphrase); err != nil {
		return c, issued{}, err
	}
	if c.LegacyEncryptedKey, err = encryptLegacy("EC PRIVATE KEY", sec1, KeyPassphrase); err != nil {
		return c, issued{}, err
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return c, issued{}, err
	}
	if c.RSACert, err = ca.issue(CertUser, &rsaKey.PublicKey, false); err != nil {
		return c, issued{}, err
	}
	c.RSAKey = pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey))
	chained, _, err := inter.issueEC(CertUser, false)
	if err != nil {
		return c, issued{}, err
	}
	c.ChainCert, c.ChainKey = chained.cert+inter.pem, chained.key
	scram, _, err := ca.issueEC(CertScramUser, false)
	if err != nil {
		return c, issued{}, err
	}
	c.ScramCert, c.ScramKey = scram.cert, scram.key
	stranger, _, err := other.issueEC(CertUser, false)
	if err != nil {
		return c, issued{}, err
	}
	c.OtherCACert, c.OtherCAKey = stranger.cert, stranger.key
	return c, server, nil
}

// The ASN.1 of an encrypted PKCS#8 key (RFC 5208, RFC 8018).
type (
	algorithm struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters asn1.RawValue `asn1:"optional"`
	}
	encryptedKeyInfo struct {
		Algorithm algorithm
		Data      []byte
	}
	pbes2Params struct {
		KDF    algorithm
		Scheme algorithm
	}
	pbkdf2Params struct {
		Salt       []byte
		Iterations int
		PRF        algorithm
	}
)

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

// encryptPKCS8 encrypts a PKCS#8 PEM key with passphrase as OpenSSL 3
// does by default: PBES2, PBKDF2 with HMAC-SHA256, AES-256-CBC.
func encryptPKCS8(keyPEM, passphrase string) (string, error) {
	b, _ := pem.Decode([]byte(keyPEM))
	salt, iv := make([]byte, 16), make([]byte, aes.BlockSize)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if _, err := rand.Read(iv); err != nil {
		return "", err
	}
	const iterations = 2048
	k, err := pbkdf2.Key(sha256.New, passphrase, salt, iterations, 32)
	if err != nil {
		return "", err
	}
	data, err := cbcEncrypt(k, iv, b.Bytes)
	if err != nil {
		return "", err
	}
	kdf, err := asn1.Marshal(pbkdf2Params{Salt: salt, Iterations: iterations, PRF: algorithm{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue}})
	if err != nil {
		return "", err
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return "", err
	}
	params, err := asn1.Marshal(pbes2Params{KDF: algorithm{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdf}},
		Scheme: algorithm{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}}})
	if err != nil {
		return "", err
	}
	der, err := asn1.Marshal(encryptedKeyInfo{Algorithm: algorithm{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}}, Data: data})
	if err != nil {
		return "", err
	}
	return pemOf("ENCRYPTED PRIVATE KEY", der), nil
}

// encryptLegacy encrypts a key the traditional OpenSSL way: AES-128-CBC,
// the key being MD5(passphrase, the IV's first 8 bytes), named in the PEM
// headers.
func encryptLegacy(typ string, der []byte, passphrase string) (string, error) {
	iv := make([]byte, aes.BlockSize)
	if _, err := rand.Read(iv); err != nil {
		return "", err
	}
	sum := md5.Sum(append([]byte(passphrase), iv[:8]...)) //nolint:gosec // the format's key derivation
	data, err := cbcEncrypt(sum[:], iv, der)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: data, Headers: map[string]string{
		"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC," + strings.ToUpper(hex.EncodeToString(iv))}})), nil
}

// cbcEncrypt encrypts data padded as PKCS#7 with AES-CBC.
func cbcEncrypt(key, iv, data []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	pad := aes.BlockSize - len(data)%aes.BlockSize
	plain := append(bytes.Clone(data), bytes.Repeat([]byte{byte(pad)}, pad)...)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, plain)
	return out, nil
}

// MakeClientCerts makes material like StartClientCert's, for tests that
// need the certificates and keys but no server asking for them.
func MakeClientCerts() (ClientCerts, error) {
	c, _, err := makeClientCerts()
	return c, err
}
