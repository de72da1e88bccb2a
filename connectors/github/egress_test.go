//go:build linux

package github

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/lumosgo/lumos/toolkit/connectortest/squidtest"
	"github.com/lumosgo/lumos/toolkit/redact"
)

// The egress tests run the built binary (`lumos github list_accounts --json
// …`) the way an on-prem agent does behind a corporate proxy: githubfake is
// served over TLS as ghes.lumos.test (a GitHub Enterprise Server base URL)
// with a certificate from a CA made for the test, a name only the proxy
// resolves; the proxy is a real Squid (package squidtest) requiring Basic
// authentication and tunnelling only to the fake's port; the binary gets
// HTTPS_PROXY, NO_PROXY and SSL_CERT_FILE in its environment. The same
// fake is also served over plain HTTP, for HTTP_PROXY. One member's login is
// the proxy password, so the upstream itself sends it back: the checks that
// it never appears in the output or the log see a real attempt.

const (
	egressHost     = "ghes.lumos.test"
	egressUser     = "egress"
	egressPassword = "Pr0xy-pa55word-e9f1"
)

// egress is the fixture: the fake, the proxy, the CA file and the binary.
type egress struct {
	bin      string
	base     string // https://ghes.lumos.test:PORT/api/v3
	port     int
	plain    string // http://ghes.lumos.test:PORT2/api/v3
	caFile   string
	squid    *squidtest.Squid
	requests atomic.Int64 // requests the fake received
}

func newEgress(t *testing.T) *egress {
	t.Helper()
	e := &egress{bin: connectortest.BuildLumos(t)}
	caPEM, leaf := testCA(t, egressHost)
	e.caFile = filepath.Join(t.TempDir(), "private-ca.pem")
	if err := os.WriteFile(e.caFile, caPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	f := githubfake.New(githubfake.Options{NoServer: true, PathPrefix: "/api/v3"})
	f.AddOrg(org)
	f.AddMember(org, ownerLogin, "admin")
	for _, login := range []string{"ada", "grace", egressPassword} {
		f.AddMember(org, login, "member")
	}
	f.AddToken(ownerToken, ownerLogin, "admin:org", "repo")
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.requests.Add(1)
		f.ServeHTTP(w, r)
	})
	plain := httptest.NewServer(counted)
	t.Cleanup(plain.Close)
	e.plain = "http://" + egressHost + ":" + strconv.Itoa(plain.Listener.Addr().(*net.TCPAddr).Port) + "/api/v3"
	srv := httptest.NewUnstartedServer(counted)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted-certificate case fails handshakes on purpose
	srv.StartTLS()
	t.Cleanup(srv.Close)
	e.port = srv.Listener.Addr().(*net.TCPAddr).Port
	e.base = "https://" + egressHost + ":" + strconv.Itoa(e.port) + "/api/v3"
	e.squid = squidtest.Start(t, squidtest.Options{
		Hosts: map[string]string{egressHost: "127.0.0.1"},
		Ports: []int{e.port},
		User:  egressUser, Password: egressPassword,
	})
	return e
}

// proxyURL is the proxy's URL with the given user information ("" for none).
func (e *egress) proxyURL(userinfo string) string {
	if userinfo != "" {
		userinfo += "@"
	}
	return "http://" + userinfo + e.squid.Addr
}

// binaryRun is what one run of the binary printed and logged.
type binaryRun struct {
	env            envelope
	stdout, stderr string
	logs           string // every log file the call wrote
}

// run calls list_accounts through the binary with env added to a
// environment cleared of proxy and CA variables, logging at DEBUG with raw
// data asked for.
func (e *egress) run(t *testing.T, base string, env ...string) binaryRun {
	t.Helper()
	doc, err := json.Marshal(map[string]any{
		"credentials":      tokenCreds(ownerToken),
		"request":          map[string]any{},
		"settings":         map[string]any{"org": org, "base_url": base},
		"include_raw_data": true,
	})
	if err != nil {
		t.Fatal(err)
	}
	logDir := t.TempDir()
	cmd := exec.Command(e.bin, "github", "list_accounts", "--json", string(doc))
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "ALL_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "LUMOS_LOG_LEVEL", "LUMOS_LOG_DIRECTORY":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "LUMOS_LOG_LEVEL=DEBUG", "LUMOS_LOG_DIRECTORY="+logDir)
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if _, exited := err.(*exec.ExitError); !exited {
			t.Fatalf("running %s: %v", e.bin, err)
		}
	}
	r := binaryRun{stdout: stdout.String(), stderr: stderr.String()}
	if err := json.Unmarshal([]byte(r.stdout), &r.env); err != nil {
		t.Fatalf("the binary did not print one JSON document: %v\nstdout: %s\nstderr: %s", err, r.stdout, r.stderr)
	}
	files, _ := filepath.Glob(filepath.Join(logDir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r.logs += string(b)
	}
	return r
}

// tunnels counts the proxy's access log lines for the fake: CONNECTs to
// its TLS port and requests for its plain HTTP URL.
func (e *egress) tunnels() int {
	n := 0
	for _, l := range e.squid.Access() {
		if strings.Contains(l, "CONNECT "+egressHost+":"+strconv.Itoa(e.port)) || strings.Contains(l, " "+e.plain) {
			n++
		}
	}
	return n
}

// tunneled reports whether the proxy logged more tunnels to the fake than
// before. Squid writes a tunnel's line when the tunnel closes, just after
// the binary exits: the log is watched for a moment.
func (e *egress) tunneled(before int) bool {
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		if e.tunnels() > before {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

func TestEgressThroughProxyBinary(t *testing.T) {
	e := newEgress(t)
	good := "HTTPS_PROXY=" + e.proxyURL(egressUser+":"+egressPassword)
	trust := "SSL_CERT_FILE=" + e.caFile
	closed := closedLoopbackPort(t)

	tests := []struct {
		name        string
		plain       bool // the fake's plain HTTP URL as base_url
		env         []string
		wantCode    string   // "" for a listing
		want        []string // in the error message
		viaProxy    bool     // the proxy's access log gains a CONNECT to the fake
		reachesFake bool     // the fake receives requests
	}{
		{name: "through the proxy with Basic auth", env: []string{good, trust}, viaProxy: true, reachesFake: true},
		{name: "lower-case https_proxy", env: []string{"https_proxy=" + e.proxyURL(egressUser+":"+egressPassword), trust}, viaProxy: true, reachesFake: true},
		{name: "NO_PROXY naming another host", env: []string{good, trust, "NO_PROXY=other.example,10.0.0.0/8," + egressHost + ".example"}, viaProxy: true, reachesFake: true},
		// Bypassing the proxy, the binary connects directly: the name does
		// not resolve without the proxy, so the call fails before the fake.
		{name: "NO_PROXY with the host bypasses the proxy", env: []string{good, trust, "NO_PROXY=" + egressHost}, wantCode: "api_error", want: []string{"Failed to connect to the API"}},
		{name: "no_proxy with the domain and a leading dot", env: []string{good, trust, "no_proxy=localhost,.lumos.test"}, wantCode: "api_error"},
		{name: "wrong proxy password", env: []string{"HTTPS_PROXY=" + e.proxyURL(egressUser+":not-"+egressPassword), trust}, wantCode: "connection_rejected",
			want: []string{"The proxy " + e.proxyURL(egressUser), "407 Proxy Authentication Required", "HTTPS_PROXY"}, viaProxy: true},
		{name: "no proxy credentials", env: []string{"HTTPS_PROXY=" + e.proxyURL(""), trust}, wantCode: "connection_rejected",
			want: []string{"The proxy " + e.proxyURL(""), "407 Proxy Authentication Required"}, viaProxy: true},
		{name: "unreachable proxy", env: []string{"HTTPS_PROXY=http://" + egressUser + ":" + egressPassword + "@" + closed, trust}, wantCode: "connection_rejected",
			want: []string{"Could not connect to the proxy http://" + egressUser + "@" + closed, "connection refused"}},
		{name: "http:// upstream through HTTP_PROXY", plain: true, env: []string{"HTTP_PROXY=" + e.proxyURL(egressUser+":"+egressPassword)}, viaProxy: true, reachesFake: true},
		{name: "http:// upstream, wrong password in HTTP_PROXY", plain: true, env: []string{"HTTP_PROXY=" + e.proxyURL(egressUser+":not-"+egressPassword)}, wantCode: "connection_rejected",
			want: []string{"The proxy " + e.proxyURL(egressUser), "407 Proxy Authentication Required", "HTTP_PROXY"}, viaProxy: true},
		{name: "untrusted certificate without SSL_CERT_FILE", env: []string{good}, wantCode: "connection_rejected",
			want: []string{"The TLS certificate of " + egressHost, "not trusted", "SSL_CERT_FILE"}, viaProxy: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			tunnelsBefore, requestsBefore := e.tunnels(), e.requests.Load()
			base := e.base
			if tt.plain {
				base = e.plain
			}
			r := e.run(t, base, tt.env...)
			if tt.wantCode == "" {
				if r.env.IsError {
					t.Fatalf("error %s: %s\nproxy log:\n%s", r.env.Error.ErrorCode, r.env.Error.Message, strings.Join(e.squid.Access(), "\n"))
				}
				var accounts []struct {
					Username string `json:"username"`
				}
				is.NoErr(json.Unmarshal(r.env.Response, &accounts))
				is.Equal(len(accounts), 4)                               // the owner and three members
				is.True(strings.Contains(r.stdout, `"`+redact.Mask+`"`)) // the login equal to the proxy password is masked
			} else {
				is.True(r.env.IsError)                               // an error envelope
				is.Equal(string(r.env.Error.ErrorCode), tt.wantCode) // its code
				t.Logf("%s: %s", r.env.Error.ErrorCode, r.env.Error.Message)
				for _, w := range tt.want {
					if !strings.Contains(r.env.Error.Message, w) {
						t.Errorf("message %q lacks %q", r.env.Error.Message, w)
					}
				}
			}
			is.Equal(e.tunneled(tunnelsBefore), tt.viaProxy)             // the proxy's log shows the tunnel, or nothing
			is.Equal(e.requests.Load() > requestsBefore, tt.reachesFake) // the fake was reached, or not
			is.True(strings.Contains(r.logs, "DEBUG"))                   // the log was written at DEBUG, so the check below means something
			for what, text := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "the log": r.logs} {
				if strings.Contains(text, egressPassword) {
					t.Errorf("the proxy password appears in %s:\n%s", what, text)
				}
			}
		})
	}
}

// testCA returns a CA's PEM certificate and a server certificate it
// signed for host.
func testCA(t *testing.T, host string) ([]byte, tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lumos test private CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// closedLoopbackPort returns a loopback address nothing listens on.
func closedLoopbackPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
