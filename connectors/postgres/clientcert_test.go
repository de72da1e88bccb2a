package postgres_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/postgres"
	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
)

// TestClientCertificates logs in with client certificates to a server
// whose pg_hba.conf asks for them (pgtest.HBA): with the cert method (no
// password) and with scram-sha-256 clientcert=verify-full, in each sslmode
// and key form; and checks every way of getting it wrong. No answer, log
// record or line of the server's log holds any part of any private key.
func TestClientCertificates(t *testing.T) {
	srv, c := pgtest.StartClientCert(t)
	plain := pgtest.Shared(t) // a server without TLS
	pair := func(cert, key string) map[string]any {
		return map[string]any{"client_certificate": cert, "client_key": key}
	}
	with := func(m map[string]any, more ...any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(more); i += 2 {
			out[more[i].(string)] = more[i+1]
		}
		return out
	}
	cases := []struct {
		name     string
		srv      *pgtest.Server
		user     string
		password string
		settings map[string]any
		code     toolkit.ErrorCode // "" for success
		want     []string          // parts of the message
	}{
		// the right certificate
		{"cert auth, require, SEC 1 EC key", srv, pgtest.CertUser, "", with(pair(c.Cert, c.Key), "sslmode", "require"), "", nil},
		{"cert auth, prefer", srv, pgtest.CertUser, "", pair(c.Cert, c.Key), "", nil},
		{"cert auth, verify-full, PKCS#8 key", srv, pgtest.CertUser, "", with(pair(c.Cert, c.KeyPKCS8), "sslmode", "verify-full", "ca_certificate", c.CAPEM), "", nil},
		{"cert auth, verify-ca, PKCS#1 RSA key", srv, pgtest.CertUser, "", with(pair(c.RSACert, c.RSAKey), "sslmode", "verify-ca", "ca_certificate", c.CAPEM), "", nil},
		{"cert auth, certificate followed by its intermediate", srv, pgtest.CertUser, "", with(pair(c.ChainCert, c.ChainKey), "sslmode", "require"), "", nil},
		{"cert auth, a password is ignored", srv, pgtest.CertUser, "ignored-password-5d1", with(pair(c.Cert, c.Key), "sslmode", "require"), "", nil},
		{"clientcert=verify-full with its password", srv, pgtest.CertScramUser, pgtest.CertScramPassword,
			with(pair(c.ScramCert, c.ScramKey), "sslmode", "verify-full", "ca_certificate", c.CAPEM), "", nil},
		{"prefer on a server without TLS: plain, no certificate", plain, pgtest.Superuser, pgtest.SuperPassword, pair(c.Cert, c.Key), "", nil},

		// refused by the server
		{"clientcert=verify-full, wrong password", srv, pgtest.CertScramUser, "wrong-password-77", with(pair(c.ScramCert, c.ScramKey), "sslmode", "require"),
			"unauthorized", []string{"password authentication failed", "28P01"}},
		{"clientcert=verify-full, certificate of another role", srv, pgtest.CertScramUser, pgtest.CertScramPassword, with(pair(c.Cert, c.Key), "sslmode", "require"),
			"unauthorized", []string{"password authentication failed", "28P01"}}, // the server says no more
		{"cert auth, no certificate", srv, pgtest.CertUser, "", map[string]any{"sslmode": "require"},
			"unauthorized", []string{"certificate", "28000"}},
		{"cert auth, no certificate, prefer", srv, pgtest.CertUser, "", map[string]any{},
			"unauthorized", []string{"certificate", "28000"}},
		{"clientcert=verify-full, no certificate", srv, pgtest.CertScramUser, pgtest.CertScramPassword, map[string]any{"sslmode": "require"},
			"unauthorized", []string{"certificate", "28000"}},
		{"certificate from another CA", srv, pgtest.CertUser, "", with(pair(c.OtherCACert, c.OtherCAKey), "sslmode", "require"),
			"unauthorized", []string{"refused the client certificate", "unknown certificate authority"}},
		{"certificate from another CA, prefer", srv, pgtest.CertUser, "", pair(c.OtherCACert, c.OtherCAKey),
			"unauthorized", []string{"refused the client certificate", "unknown certificate authority"}},
		{"intermediate missing", srv, pgtest.CertUser, "", with(pair(strings.SplitAfter(c.ChainCert, "-----END CERTIFICATE-----\n")[0], c.ChainKey), "sslmode", "require"),
			"unauthorized", []string{"refused the client certificate", "unknown certificate authority"}},

		// refused by the connector
		{"mismatched key", srv, pgtest.CertUser, "", with(pair(c.Cert, c.OtherCAKey), "sslmode", "require"),
			"bad_request", []string{"client_key is not the private key", "does not match"}},
		{"mismatched key type", srv, pgtest.CertUser, "", with(pair(c.Cert, c.RSAKey), "sslmode", "require"),
			"bad_request", []string{"client_key is not the private key"}},
		{"certificate without key", srv, pgtest.CertUser, "", map[string]any{"client_certificate": c.Cert},
			"bad_request", []string{"client_key is missing"}},
		{"key without certificate", srv, pgtest.CertUser, "", map[string]any{"client_key": c.Key, "sslmode": "require"},
			"bad_request", []string{"client_certificate is missing"}},
		{"encrypted PKCS#8 key", srv, pgtest.CertUser, "", pair(c.Cert, c.EncryptedKey),
			"bad_request", []string{"client_key is encrypted", "passphrase", "client_key_password is empty"}},
		{"traditionally encrypted key", srv, pgtest.CertUser, "", pair(c.Cert, c.LegacyEncryptedKey),
			"bad_request", []string{"client_key is encrypted", "passphrase", "client_key_password is empty"}},
		{"sslmode disable", srv, pgtest.CertUser, "", with(pair(c.Cert, c.Key), "sslmode", "disable"),
			"bad_request", []string{"sslmode is disable"}},
		{"key given as the certificate", srv, pgtest.CertUser, "", pair(c.Key, c.Key),
			"bad_request", []string{"client_certificate holds a private key"}},
		{"certificate given as the key", srv, pgtest.CertUser, "", pair(c.Cert, c.Cert),
			"bad_request", []string{"client_key holds a certificate but no private key"}},
		{"certificate and key in one PEM, as the key", srv, pgtest.CertUser, "", with(pair(c.Cert, c.Cert+c.Key), "sslmode", "require"), "", nil},
		{"certificate and key in one PEM, as both", srv, pgtest.CertUser, "", pair(c.Cert+c.Key, c.Cert+c.Key),
			"bad_request", []string{"client_certificate holds a private key"}},
		{"no PEM in the certificate", srv, pgtest.CertUser, "", pair("MIIB not a certificate", c.Key),
			"bad_request", []string{"client_certificate holds no PEM certificate"}},
		{"damaged key", srv, pgtest.CertUser, "", pair(c.Cert, damage(c.KeyPKCS8)),
			"bad_request", []string{"PKCS#8", "cannot be read"}},
	}
	keys := []string{c.Key, c.KeyPKCS8, c.RSAKey, c.ChainKey, c.ScramKey, c.OtherCAKey, c.EncryptedKey, c.LegacyEncryptedKey, damage(c.KeyPKCS8)}
	t.Cleanup(func() { // nor is any in the server's log
		serverLog := pgtest.ReadLog(t, srv)
		for _, key := range keys {
			for _, part := range keyParts(key) {
				if strings.Contains(serverLog, part) {
					t.Errorf("a part of a key is in the server's log: %.20s…", part)
				}
			}
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			logs := &syncBuffer{}
			tg := target{srv: tc.srv, user: tc.user, password: tc.password, settings: tc.settings, logs: logs}
			var answers []string
			if tc.code == "" {
				env := tg.ok(t, "validate_credentials", map[string]any{}, nil)
				answers = append(answers, string(env.Response))
				accounts := drain[account](t, tg, "list_accounts", map[string]any{}, 2)
				is.True(len(accounts) > 0)
			} else {
				env := tg.fail(t, "validate_credentials", map[string]any{}, tc.code, tc.want...)
				answers = append(answers, env.Error.Message)
				answers = append(answers, string(tg.raw("list_accounts", map[string]any{}, nil)))
			}
			for _, key := range keys {
				for _, part := range keyParts(key) {
					for _, sp := range hostile.Spellings {
						spelled := hostile.Spell(part, sp)
						is.True(!strings.Contains(strings.Join(answers, "\n"), spelled)) // a key in an answer
						is.True(!strings.Contains(logs.String(), spelled))               // a key in a log record
					}
				}
			}
		})
	}
}

// damage flips a byte in the middle of a PEM key's body, keeping it valid
// base64 and PEM.
func damage(key string) string {
	b, _ := pem.Decode([]byte(key))
	body := append([]byte(nil), b.Bytes...)
	body[len(body)/2] ^= 0xff
	body = body[:len(body)-3]
	return string(pem.EncodeToMemory(&pem.Block{Type: b.Type, Headers: b.Headers, Bytes: body}))
}

// keyParts are the spellings of a PEM key a leak could take: the whole
// text, its base64 body on one line, and each line of the body.
func keyParts(key string) []string {
	parts := []string{key}
	b, _ := pem.Decode([]byte(key))
	parts = append(parts, base64.StdEncoding.EncodeToString(b.Bytes))
	for _, line := range strings.Split(key, "\n") {
		if len(line) >= 40 && !strings.HasPrefix(line, "-----") {
			parts = append(parts, line)
		}
	}
	return parts
}

// TestClientKeyIsSecret reads the settings schema app_info publishes: the
// key is a secret setting, the certificate is not.
func TestClientKeyIsSecret(t *testing.T) {
	is := is.New(t)
	var doc any
	is.NoErr(json.Unmarshal(postgres.Integration().Dispatch(context.Background(), "app_info", []byte(`{"request":{}}`)), &doc))
	for _, c := range []struct {
		setting string
		secret  bool
	}{
		{"client_key", true},
		{"client_key_password", true},
		{"crl", false},
		{"sslcertmode", false},
		{"client_certificate", false},
		{"ca_certificate", false},
	} {
		t.Run(c.setting, func(t *testing.T) {
			is := is.New(t)
			found := properties(doc, c.setting)
			is.True(len(found) > 0) // the setting is in the schema
			for _, p := range found {
				is.Equal(p["x-secret"] == true, c.secret)
			}
		})
	}
}

// properties finds every object under a key name in a decoded JSON document.
func properties(doc any, name string) []map[string]any {
	var out []map[string]any
	switch v := doc.(type) {
	case map[string]any:
		for k, sub := range v {
			if m, ok := sub.(map[string]any); ok && k == name {
				out = append(out, m)
			}
			out = append(out, properties(sub, name)...)
		}
	case []any:
		for _, sub := range v {
			out = append(out, properties(sub, name)...)
		}
	}
	return out
}
