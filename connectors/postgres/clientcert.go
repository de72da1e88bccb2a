package postgres

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// hasClientCert reports whether a client certificate is configured.
func (s Settings) hasClientCert() bool {
	return strings.TrimSpace(s.ClientCertificate) != "" || strings.TrimSpace(s.ClientKey) != ""
}

// sendsClientCert reports whether the connector presents a client
// certificate: one is configured and sslcertmode is not disable.
func (s Settings) sendsClientCert() bool {
	return s.hasClientCert() && s.SSLCertMode != CertModeDisable
}

// checkClientCert checks the client_certificate, client_key,
// client_key_password and sslcertmode settings: certificate and key both or
// neither, no password without a key, not with sslmode disable, readable
// and matching; it keeps the certificate ready for the connections.
func checkClientCert(s *Settings) error {
	switch s.SSLCertMode {
	case "":
		s.SSLCertMode = CertModeAllow
	case CertModeDisable, CertModeAllow, CertModeRequire:
	default:
		return errs.Newf(errs.BadRequest, "Invalid settings: sslcertmode %q is not disable, allow or require.", s.SSLCertMode)
	}
	if s.ClientKeyPassword != "" && strings.TrimSpace(s.ClientKey) == "" {
		return errs.New(errs.BadRequest, "Invalid settings: client_key_password is set but client_key is missing: the password decrypts an encrypted client_key; set the key, or remove the password.")
	}
	if s.SSLCertMode == CertModeRequire && !s.hasClientCert() {
		return errs.New(errs.BadRequest, "Invalid settings: sslcertmode require needs a client certificate to present: set client_certificate and client_key (or use sslcertmode allow).")
	}
	if !s.hasClientCert() {
		return nil
	}
	if s.SSLMode == SSLDisable && s.SSLCertMode != CertModeDisable {
		return errs.New(errs.BadRequest, "Invalid settings: client_certificate and client_key need TLS, and sslmode is disable: "+
			"use prefer, require, verify-ca or verify-full (or remove the certificate).")
	}
	pair, plain, err := clientCertificate(s.ClientCertificate, s.ClientKey, s.ClientKeyPassword)
	s.plainKey = plain
	if err != nil {
		return err
	}
	s.pair = &pair
	return nil
}

// clientCertificate reads the client_certificate setting (the client's
// certificate, then optionally its intermediates) and the client_key
// setting (a PKCS#8, PKCS#1 or SEC 1 key, decrypted with password when it
// is encrypted) into one TLS certificate. plain is the DER of a key that
// was decrypted (a secret: the caller registers it), nil otherwise. No
// error message carries any part of the key or the password.
func clientCertificate(certPEM, keyPEM, password string) (pair tls.Certificate, plain []byte, err error) {
	switch {
	case strings.TrimSpace(certPEM) == "":
		return tls.Certificate{}, nil, errs.New(errs.BadRequest, "Invalid settings: client_key is set but client_certificate is missing: set both (a client certificate and its private key) or neither.")
	case strings.TrimSpace(keyPEM) == "":
		return tls.Certificate{}, nil, errs.New(errs.BadRequest, "Invalid settings: client_certificate is set but client_key is missing: set both (a client certificate and its private key) or neither.")
	}
	certs, err := certificateBlocks(certPEM)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	key, plain, err := keyBlock(keyPEM, password)
	if err != nil {
		return tls.Certificate{}, plain, err
	}
	pair, err = tls.X509KeyPair(certs, pem.EncodeToMemory(key))
	if err != nil {
		// The errors of X509KeyPair name the kind of mismatch, never key material.
		return tls.Certificate{}, plain, errs.New(errs.BadRequest, "Invalid settings: client_key is not the private key of the first certificate in client_certificate ("+err.Error()+").")
	}
	return pair, plain, nil
}

// certificateBlocks is the PEM text of the CERTIFICATE blocks of the
// client_certificate setting, each checked to parse.
func certificateBlocks(text string) ([]byte, error) {
	var out []byte
	rest := []byte(text)
	for n := 1; ; n++ {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			if strings.Contains(b.Type, "PRIVATE KEY") {
				return nil, errs.New(errs.BadRequest, "Invalid settings: client_certificate holds a private key; put the key in client_key only.")
			}
			return nil, errs.Newf(errs.BadRequest, "Invalid settings: client_certificate holds a PEM block of type %q; it takes CERTIFICATE blocks only.", b.Type)
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return nil, errs.Newf(errs.BadRequest, "Invalid settings: certificate %d of client_certificate cannot be read: %v.", n, err)
		}
		out = append(out, pem.EncodeToMemory(b)...)
	}
	if len(out) == 0 {
		return nil, errs.New(errs.BadRequest, "Invalid settings: client_certificate holds no PEM certificate (-----BEGIN CERTIFICATE-----).")
	}
	return out, nil
}

// keyBlock is the private key block of the client_key setting, decrypted
// with password when it is encrypted, and checked to parse. OpenSSL's "EC
// PARAMETERS" block, which may precede an EC key, and certificates (a file
// holding the certificate and its key, which libpq also reads) are skipped.
// plain is the DER of a decrypted key, nil when the key was not encrypted.
func keyBlock(text, password string) (b *pem.Block, plain []byte, err error) {
	rest := []byte(text)
	sawCert := false
	for {
		if b, rest = pem.Decode(rest); b == nil && sawCert {
			return nil, nil, errs.New(errs.BadRequest, "Invalid settings: client_key holds a certificate but no private key; it takes the certificate's private key (the certificate goes in client_certificate).")
		} else if b == nil {
			return nil, nil, errs.New(errs.BadRequest, "Invalid settings: client_key holds no PEM private key (-----BEGIN PRIVATE KEY-----, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY).")
		}
		if b.Type != "EC PARAMETERS" && b.Type != "CERTIFICATE" {
			break
		}
		sawCert = sawCert || b.Type == "CERTIFICATE"
	}
	encrypted := b.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED")
	if encrypted {
		if b, err = decryptKey(b, password); b != nil {
			plain = b.Bytes
		}
		if err != nil {
			return nil, plain, err
		}
	}
	var form string
	switch b.Type {
	case "PRIVATE KEY":
		form = "PKCS#8"
		_, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	case "RSA PRIVATE KEY":
		form = "PKCS#1 RSA"
		_, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		form = "SEC 1 EC"
		_, err = x509.ParseECPrivateKey(b.Bytes)
	default:
		return nil, plain, errs.Newf(errs.BadRequest, "Invalid settings: client_key holds a PEM block of type %q; it takes a PRIVATE KEY (PKCS#8), ENCRYPTED PRIVATE KEY (PKCS#8 with PBES2), RSA PRIVATE KEY (PKCS#1) or EC PRIVATE KEY (SEC 1) block.", b.Type)
	}
	switch {
	case err != nil && encrypted:
		// Decrypting with a wrong password yields valid padding now and then, and then garbage.
		return nil, plain, wrongKeyPassword()
	case err != nil:
		// The parser's own error is left out: only its kind is given, so that no part of the key can be quoted.
		return nil, nil, errs.Newf(errs.BadRequest, "Invalid settings: client_key's %s private key cannot be read (it is damaged or not of that form).", form)
	}
	return &pem.Block{Type: b.Type, Bytes: b.Bytes}, plain, nil
}

// wrongKeyPassword is the answer to a client_key that client_key_password does not decrypt.
func wrongKeyPassword() error {
	return errs.New(errs.BadRequest, "Invalid settings: client_key_password does not decrypt client_key: the password is wrong (or the key is damaged).")
}

// decryptKey decrypts an encrypted key block with password: PKCS#8
// (ENCRYPTED PRIVATE KEY, PBES2) or OpenSSL's traditional encryption
// (Proc-Type: 4,ENCRYPTED). The block returned has the decrypted key's
// type and DER; it is nil on an error.
func decryptKey(b *pem.Block, password string) (*pem.Block, error) {
	if password == "" {
		return nil, errs.New(errs.BadRequest, "Invalid settings: client_key is encrypted (protected by a passphrase) and client_key_password is empty: "+
			"set client_key_password to its passphrase (libpq's sslpassword), or give the key unencrypted, e.g. the output of `openssl pkey -in client.key -out client-plain.key`.")
	}
	var der []byte
	var err error
	typ := b.Type
	if typ == "ENCRYPTED PRIVATE KEY" {
		typ = "PRIVATE KEY"
		der, err = decryptPKCS8(b.Bytes, password)
	} else {
		der, err = decryptLegacyPEM(b, password)
	}
	var unsupported unsupportedError
	switch {
	case errors.As(err, &unsupported) && unsupported.damaged:
		return nil, errs.New(errs.BadRequest, "Invalid settings: client_key cannot be decrypted: "+unsupported.what+".")
	case errors.As(err, &unsupported):
		return nil, errs.New(errs.BadRequest, "Invalid settings: client_key cannot be decrypted: "+unsupported.what+"; "+reencrypt+".")
	case err != nil:
		return nil, wrongKeyPassword()
	}
	return &pem.Block{Type: typ, Bytes: der}, nil
}

// addKeySecrets registers the client key as a call secret, so that it is
// written nowhere: its text as given, and for each PEM block the body on one
// line and each line of the body; the same for the key decrypted from it,
// and client_key_password. A private key pasted into the
// client_certificate setting (which is refused) is registered too.
func addKeySecrets(ctx context.Context, s Settings) {
	toolkit.AddSecret(ctx, s.ClientKeyPassword)
	if pw := strings.TrimSpace(s.ClientKeyPassword); pw != "" {
		toolkit.AddSecret(ctx, pw)
	}
	if key := strings.TrimSpace(s.ClientKey); key != "" {
		toolkit.AddSecret(ctx, s.ClientKey)
		toolkit.AddSecret(ctx, key)
		addBlockSecrets(ctx, key, func(string) bool { return true })
	}
	addBlockSecrets(ctx, s.ClientCertificate, func(typ string) bool { return strings.Contains(typ, "PRIVATE KEY") })
	if len(s.plainKey) > 0 { // the key client_key_password decrypted, as it would be written unencrypted
		addBlockSecrets(ctx, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: s.plainKey})), func(string) bool { return true })
	}
}

// addBlockSecrets registers the PEM blocks of text whose type is kept: the
// body as one base64 line, and each line of at least 24 characters of the
// body as written in text.
func addBlockSecrets(ctx context.Context, text string, keep func(typ string) bool) {
	inside := false
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "-----BEGIN "):
			inside = keep(strings.TrimSuffix(strings.TrimPrefix(line, "-----BEGIN "), "-----"))
		case strings.HasPrefix(line, "-----END "):
			inside = false
		case inside && len(line) >= 24 && !strings.Contains(line, ":"):
			toolkit.AddSecret(ctx, line)
		}
	}
	rest := []byte(text)
	for {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			return
		}
		if keep(b.Type) {
			toolkit.AddSecret(ctx, base64.StdEncoding.EncodeToString(b.Bytes))
		}
	}
}

// withClientCert makes tc present the client certificate, when one is
// configured. The certificate is sent whatever CAs the server names in
// its request, as libpq does (crypto/tls would otherwise send none when
// its issuer is not among them), so that a server that does not trust it
// says so rather than reporting a missing certificate.
func withClientCert(tc *tls.Config, s Settings) *tls.Config {
	if !s.sendsClientCert() || s.pair == nil {
		return tc
	}
	pair := s.pair
	tc.Certificates = []tls.Certificate{*pair}
	tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return pair, nil }
	return tc
}

// certRefused is the error of a connection the server refused with a TLS
// alert about the client certificate (not trusted, expired, revoked, …),
// unauthorized since the credential is what it refuses; nil for any other
// failure, or when no client certificate is configured. With sslmode
// prefer the plain-text retry that follows has failed too, but the refusal
// of the certificate is the cause worth reporting.
func certRefused(err error, s Settings) error {
	alert := remoteAlert(err)
	if !s.sendsClientCert() || alert == nil {
		return nil
	}
	reason := alert.Err.Error()
	if !strings.Contains(reason, "certificate") && !strings.Contains(reason, "access denied") && !strings.Contains(reason, "decrypt") {
		return nil
	}
	msg := fmt.Sprintf("PostgreSQL: the server at %s refused the client certificate (sslmode %s): %s. Check that client_certificate is signed by a CA "+
		"in the server's ssl_ca_file (followed by any intermediate CA certificates) and is still valid.", hostPort(s), s.SSLMode, alert.Error())
	if s.SSLMode == SSLPrefer {
		msg += " The retry without TLS that sslmode prefer makes, which sends no certificate, failed too."
	}
	return errs.Wrap(err, errs.Unauthorized, msg)
}

// keepCertAlert wraps a TLS connection so that the server's refusal of the
// client certificate is not lost. With TLS 1.3 the server checks the
// certificate after the client has finished its handshake: it sends an
// alert and closes the connection, and the client's next write, the
// startup message, may fail with a reset before the alert is read. Such a
// write then reads what the server sent, and its error carries the alert.
func keepCertAlert(_ context.Context, _ *pgconn.Config, conn net.Conn) (net.Conn, error) {
	if _, ok := conn.(*tls.Conn); !ok {
		return conn, nil // sslmode prefer's plain-text retry
	}
	return alertConn{conn}, nil
}

// alertConn is a TLS connection whose failed writes look for the alert the
// server sent before closing.
type alertConn struct{ net.Conn }

func (c alertConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err == nil || !(errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)) {
		return n, err
	}
	_ = c.Conn.SetReadDeadline(time.Now().Add(time.Second))
	var one [1]byte
	_, rerr := c.Conn.Read(one[:])
	if remoteAlert(rerr) != nil {
		return n, fmt.Errorf("%w (the server had sent %w)", err, rerr)
	}
	return n, err
}

// remoteAlert is the first TLS alert received from the server found in
// err's tree, nil when there is none. (errors.As would stop at the first
// *net.OpError, which may be a failed write's.)
func remoteAlert(err error) *net.OpError {
	if op, ok := err.(*net.OpError); ok && op.Op == "remote error" {
		return op
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return remoteAlert(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if op := remoteAlert(e); op != nil {
				return op
			}
		}
	}
	return nil
}
