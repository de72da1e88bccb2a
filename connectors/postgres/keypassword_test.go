package postgres_test

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
)

// keyPassword is the passphrase of every encrypted key of
// TestEncryptedClientKeys, and wrongKeyPassword a wrong one; neither may
// appear in anything the connector writes.
const (
	keyPassword      = pgtest.KeyPassphrase
	wrongKeyPassword = "pgtls-wrong-key-password-4e7"
)

// TestEncryptedClientKeys logs in by client certificate (pg_hba.conf
// method cert) with the certificate's key encrypted in each form OpenSSL
// writes and Go test code makes, decrypted with client_key_password; and
// checks the wrong, missing and superfluous passwords and the forms the
// connector refuses. Each call runs through the lumos command in process
// (cli.Run) with DEBUG logs to files, tracing and include_raw_data: no
// spelling of either password or of any part of any key, encrypted or
// decrypted, is on standard output, standard error, in the log files, or
// in the server's log.
func TestEncryptedClientKeys(t *testing.T) {
	srv, c := pgtest.StartClientCert(t)
	ossl := func(key string, args ...string) string {
		return pgtest.RunOpenSSL(t, key, keyPassword, append(args, "-passout", "env:PGTEST_PASS")...)
	}
	forms := map[string]string{
		"Go PKCS#8 PBES2 AES-256-CBC HMAC-SHA256":          c.EncryptedKey,
		"Go traditional AES-128-CBC":                       c.LegacyEncryptedKey,
		"openssl pkey -aes256":                             ossl(c.KeyPKCS8, "pkey", "-aes256"),
		"openssl pkcs8 aes-128-cbc hmacWithSHA1":           ossl(c.KeyPKCS8, "pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"),
		"openssl pkcs8 aes-192-cbc hmacWithSHA512 100000":  ossl(c.KeyPKCS8, "pkcs8", "-topk8", "-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA512", "-iter", "100000"),
		"openssl pkcs8 des3":                               ossl(c.KeyPKCS8, "pkcs8", "-topk8", "-v2", "des3"),
		"openssl ec -aes256 (traditional EC)":              ossl(c.Key, "ec", "-aes256"),
		"openssl rsa -des3 -traditional (traditional RSA)": ossl(c.RSAKey, "rsa", "-des3", "-traditional"),
		"openssl pkcs8 -v1 PBE-SHA1-3DES":                  ossl(c.KeyPKCS8, "pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES"),
		"openssl pkcs8 -scrypt":                            ossl(c.KeyPKCS8, "pkcs8", "-topk8", "-scrypt"),
	}
	for name, key := range forms { // what the forms are: the test means what it says
		b, _ := pem.Decode([]byte(key))
		if b == nil || (b.Type != "ENCRYPTED PRIVATE KEY" && b.Headers["Proc-Type"] != "4,ENCRYPTED") {
			t.Fatalf("%s is not an encrypted PEM key: %.60q", name, key)
		}
	}
	settings := func(cert, key, password string, more ...string) map[string]any {
		m := map[string]any{"sslmode": "verify-full", "ca_certificate": c.CAPEM}
		if cert != "" {
			m["client_certificate"] = cert
		}
		if key != "" {
			m["client_key"] = key
		}
		if password != "" {
			m["client_key_password"] = password
		}
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i]] = more[i+1]
		}
		return m
	}
	cases := []struct {
		name     string
		settings map[string]any
		code     toolkit.ErrorCode // "" for success
		want     []string          // parts of the message
	}{
		// the right password, each form
		{"Go PKCS#8 PBES2", settings(c.Cert, forms["Go PKCS#8 PBES2 AES-256-CBC HMAC-SHA256"], keyPassword), "", nil},
		{"Go traditional", settings(c.Cert, forms["Go traditional AES-128-CBC"], keyPassword), "", nil},
		{"openssl pkey -aes256", settings(c.Cert, forms["openssl pkey -aes256"], keyPassword), "", nil},
		{"openssl pkcs8 AES-128 SHA-1", settings(c.Cert, forms["openssl pkcs8 aes-128-cbc hmacWithSHA1"], keyPassword), "", nil},
		{"openssl pkcs8 AES-192 SHA-512", settings(c.Cert, forms["openssl pkcs8 aes-192-cbc hmacWithSHA512 100000"], keyPassword), "", nil},
		{"openssl pkcs8 3DES", settings(c.Cert, forms["openssl pkcs8 des3"], keyPassword), "", nil},
		{"openssl traditional EC", settings(c.Cert, forms["openssl ec -aes256 (traditional EC)"], keyPassword), "", nil},
		{"openssl traditional RSA", settings(c.RSACert, forms["openssl rsa -des3 -traditional (traditional RSA)"], keyPassword), "", nil},
		{"encrypted key after its certificate", settings(c.Cert, c.Cert+forms["openssl pkey -aes256"], keyPassword, "sslmode", "require"), "", nil},
		{"password with an unencrypted key: ignored, as libpq does", settings(c.Cert, c.Key, keyPassword), "", nil},

		// the wrong password, or none
		{"PKCS#8, wrong password", settings(c.Cert, forms["openssl pkey -aes256"], wrongKeyPassword),
			"bad_request", []string{"client_key_password does not decrypt client_key", "wrong"}},
		{"PKCS#8 SHA-1, wrong password", settings(c.Cert, forms["openssl pkcs8 aes-128-cbc hmacWithSHA1"], wrongKeyPassword),
			"bad_request", []string{"client_key_password does not decrypt client_key"}},
		{"traditional, wrong password", settings(c.Cert, forms["openssl ec -aes256 (traditional EC)"], wrongKeyPassword),
			"bad_request", []string{"client_key_password does not decrypt client_key"}},
		{"PKCS#8, no password", settings(c.Cert, forms["openssl pkey -aes256"], ""),
			"bad_request", []string{"client_key is encrypted", "client_key_password is empty"}},
		{"traditional, no password", settings(c.Cert, forms["Go traditional AES-128-CBC"], ""),
			"bad_request", []string{"client_key is encrypted", "client_key_password is empty"}},
		{"password without a key", settings("", "", keyPassword),
			"bad_request", []string{"client_key_password is set but client_key is missing"}},
		{"password and certificate without a key", settings(c.Cert, "", keyPassword),
			"bad_request", []string{"client_key_password is set but client_key is missing"}},
		{"right password, key of another certificate", settings(c.RSACert, forms["openssl pkey -aes256"], keyPassword),
			"bad_request", []string{"client_key is not the private key"}},
		{"damaged encrypted key", settings(c.Cert, damage(forms["openssl pkey -aes256"]), keyPassword),
			"bad_request", []string{"client_key"}},

		// forms refused by name
		{"PKCS#12 PBE", settings(c.Cert, forms["openssl pkcs8 -v1 PBE-SHA1-3DES"], keyPassword),
			"bad_request", []string{"client_key cannot be decrypted", "pbeWithSHAAnd3-KeyTripleDES-CBC", "openssl pkcs8 -topk8 -v2 aes-256-cbc"}},
		{"scrypt", settings(c.Cert, forms["openssl pkcs8 -scrypt"], keyPassword),
			"bad_request", []string{"client_key cannot be decrypted", "scrypt"}},
	}
	secrets := []string{keyPassword, wrongKeyPassword}
	for _, key := range append(mapValues(forms), c.Key, c.KeyPKCS8, c.RSAKey) {
		secrets = append(secrets, keyParts(key)...)
	}
	t.Cleanup(func() { // nor is any in the server's log
		serverLog := pgtest.ReadLog(t, srv)
		for _, s := range secrets {
			if strings.Contains(serverLog, s) {
				t.Errorf("a secret is in the server's log: %.12s…", s)
			}
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			logDir := t.TempDir()
			t.Setenv("LUMOS_LOG_DIRECTORY", logDir)
			t.Setenv("LUMOS_LOG_LEVEL", "DEBUG")
			t.Setenv("LUMOS_TRACE", "1")
			tg := target{srv: srv, user: pgtest.CertUser, settings: tc.settings}
			var doc map[string]any
			is.NoErr(json.Unmarshal(tg.request(map[string]any{}, nil), &doc))
			doc["include_raw_data"] = true
			req, err := json.Marshal(doc)
			is.NoErr(err)
			var stdout, stderr bytes.Buffer
			cli.Run([]string{"lumos", "postgres", "validate_credentials", "--json", string(req)}, strings.NewReader(""), &stdout, &stderr)
			var env envelope
			is.NoErr(json.Unmarshal(stdout.Bytes(), &env))
			if tc.code == "" {
				if env.IsError {
					t.Fatalf("unexpected error %s: %s", env.Error.ErrorCode, env.Error.Message)
				}
			} else {
				is.True(env.IsError)
				t.Log(env.Error.Message)
				is.Equal(env.Error.ErrorCode, tc.code)
				for _, w := range tc.want {
					if !strings.Contains(env.Error.Message, w) {
						t.Fatalf("message %q lacks %q", env.Error.Message, w)
					}
				}
			}
			logs := hostile.ReadFiles(t, logDir)
			is.True(logs != "") // the DEBUG records were written
			for _, s := range secrets {
				for _, sp := range hostile.Spellings {
					spelled := hostile.Spell(s, sp)
					is.True(!strings.Contains(stdout.String(), spelled)) // a secret on standard output
					is.True(!strings.Contains(stderr.String(), spelled)) // a secret on standard error
					is.True(!strings.Contains(logs, spelled))            // a secret in the log files
				}
			}
		})
	}
}

// TestDecryptedKeyIsMasked shows that the key decrypted from client_key
// is itself a call secret: a message that came to quote it (here the
// not_found answer naming the database setting, set to a line of the
// decrypted key) has it masked. The server is the shared one without TLS,
// reached by sslmode prefer's plain retry with the superuser's password.
func TestDecryptedKeyIsMasked(t *testing.T) {
	is := is.New(t)
	c, err := pgtest.MakeClientCerts()
	is.NoErr(err)
	line := strings.Split(c.KeyPKCS8, "\n")[1] // the first body line of the decrypted key
	is.True(!strings.Contains(c.EncryptedKey, line))
	tg := superTarget(t, map[string]any{"database": line,
		"client_certificate": c.Cert, "client_key": c.EncryptedKey, "client_key_password": keyPassword})
	env := tg.fail(t, "validate_credentials", map[string]any{}, "not_found", "does not exist", "REDACTED")
	is.True(!strings.Contains(env.Error.Message, line))
	out := string(tg.raw("validate_credentials", map[string]any{}, nil))
	is.True(!strings.Contains(out, line))
	is.True(!strings.Contains(out, keyPassword))
}

// mapValues are a map's values.
func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
