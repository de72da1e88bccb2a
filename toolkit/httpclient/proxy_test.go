package httpclient_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// net/http reads the proxy variables once per process, so every case runs
// the test binary again as a child with its own environment: TestMain sees
// childURL set, makes one GET of that URL with a client on the shared
// transport, and prints how errs.Describe classifies the outcome.
const childURL = "LUMOS_PROXY_TEST_URL"

func TestMain(m *testing.M) {
	if u := os.Getenv(childURL); u != "" {
		os.Exit(proxyChild(u))
	}
	os.Exit(m.Run())
}

// childResult is what the child prints.
type childResult struct {
	OK      bool   `json:"ok"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Log     string `json:"-"` // the child's log (standard error)
}

func proxyChild(u string) int {
	ctx := toolkit.WithLogger(context.Background(), slog.New(slog.NewTextHandler(os.Stderr, nil)))
	c := httpclient.New(ctx, httpclient.Options{AppID: "test", BaseURL: u,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond}) // the default 4 attempts, quickly
	_, err := c.GetJSON(context.Background(), u, nil)
	r := childResult{OK: err == nil}
	if err != nil {
		d := errs.Describe(err, rules)
		r.Code, r.Message = string(d.Code), d.Message
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		return 2
	}
	return 0
}

// testProxy is a forward proxy on loopback: it answers CONNECT with the
// status of its mode, tunnelling to upstream on 200, and answers a plain
// proxied request with that status too.
type testProxy struct {
	srv      *httptest.Server
	upstream string // host:port every tunnel goes to
	mu       sync.Mutex
	seen     []string // request lines received
}

func newTestProxy(t *testing.T, status int, upstream string) *testProxy {
	p := &testProxy{upstream: upstream}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.Host)
		p.mu.Unlock()
		if status != http.StatusOK || r.Method != http.MethodConnect {
			if status == http.StatusProxyAuthRequired {
				w.Header().Set("Proxy-Authenticate", `Basic realm="test"`)
			}
			http.Error(w, http.StatusText(status), status)
			return
		}
		p.tunnel(w)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *testProxy) tunnel(w http.ResponseWriter) {
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		return
	}
	if _, err := rw.WriteString("HTTP/1.1 200 Connection established\r\n\r\n"); err == nil && rw.Flush() == nil {
		go func() { _, _ = io.Copy(up, rw); up.Close() }()
		_, _ = io.Copy(conn, up)
	}
	conn.Close()
	up.Close()
}

func (p *testProxy) url(userinfo string) string {
	return "http://" + userinfo + strings.TrimPrefix(p.srv.URL, "http://")
}

func (p *testProxy) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// runChild runs the child with env (proxy and CA variables cleared first)
// and returns what it printed.
func runChild(t *testing.T, target string, env ...string) childResult {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "REQUEST_METHOD", "SSL_CERT_FILE", "SSL_CERT_DIR":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, childURL+"="+target)
	cmd.Env = append(cmd.Env, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s%s", err, out, stderr.String())
	}
	var r childResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("child printed %q: %v", out, err)
	}
	r.Log = stderr.String()
	return r
}

func TestProxyAndCertificateFailures(t *testing.T) {
	const user, password = "puser", "pr0xy-s3cret"
	// The upstream's certificate (httptest's) is for example.com, a name
	// only the proxy "resolves": it tunnels every CONNECT to the upstream.
	upstream := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(upstream.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: upstream.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	upAddr := strings.TrimPrefix(upstream.URL, "https://")
	closed := closedPort(t) // 127.0.0.1:port

	tests := []struct {
		name     string
		status   int    // the proxy's answer
		target   string // the URL the child gets
		proxyVar string // the variable holding the proxy
		noProxy  bool   // give the proxy as unreachable
		caFile   bool
		wantOK   bool
		wantCode errs.ErrorCode
		want     []string // in the message
		attempts int      // requests the proxy sees (0: none to check)
	}{
		{"tunnel with the private CA in SSL_CERT_FILE", http.StatusOK, "https://example.com/x", "HTTPS_PROXY", false, true, true, "", nil, 1},
		{"tunnel to an untrusted certificate", http.StatusOK, "https://example.com/x", "HTTPS_PROXY", false, false, false, errs.ConnectionRejected,
			[]string{"TLS certificate of example.com", "not trusted", "SSL_CERT_FILE"}, 1},
		{"407 to CONNECT", http.StatusProxyAuthRequired, "https://ghes.proxy.test/x", "HTTPS_PROXY", false, true, false, errs.ConnectionRejected,
			[]string{"The proxy http://puser@127.0.0.1:", "ghes.proxy.test:443", "407 Proxy Authentication Required", "password in HTTPS_PROXY"}, 1},
		{"403 to CONNECT", http.StatusForbidden, "https://ghes.proxy.test/x", "HTTPS_PROXY", false, true, false, errs.ConnectionRejected,
			[]string{"The proxy http://puser@127.0.0.1:", "403 Forbidden", "allows connections to ghes.proxy.test:443"}, 1},
		{"502 to CONNECT", http.StatusBadGateway, "https://ghes.proxy.test/x", "HTTPS_PROXY", false, true, false, errs.BadGateway,
			[]string{"The proxy http://puser@127.0.0.1:", "502 Bad Gateway", "could not reach ghes.proxy.test:443"}, 4},
		{"407 for an http upstream", http.StatusProxyAuthRequired, "http://plain.proxy.test/x", "HTTP_PROXY", false, true, false, errs.ConnectionRejected,
			[]string{"The proxy http://puser@127.0.0.1:", "plain.proxy.test", "407 Proxy Authentication Required", "password in HTTP_PROXY"}, 1},
		{"unreachable proxy", http.StatusOK, "https://ghes.proxy.test/x", "HTTPS_PROXY", true, true, false, errs.ConnectionRejected,
			[]string{"Could not connect to the proxy http://puser@" + closed, "connection refused", "NO_PROXY"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			p := newTestProxy(t, tt.status, upAddr)
			proxy := p.url(user + ":" + password + "@")
			if tt.noProxy {
				proxy = "http://" + user + ":" + password + "@" + closed
			}
			env := []string{tt.proxyVar + "=" + proxy}
			if tt.caFile {
				env = append(env, "SSL_CERT_FILE="+caFile)
			}
			r := runChild(t, tt.target, env...)
			is.Equal(r.OK, tt.wantOK) // the call's outcome
			is.Equal(r.Code, string(tt.wantCode))
			for _, w := range tt.want {
				if !strings.Contains(r.Message, w) {
					t.Errorf("message %q lacks %q", r.Message, w)
				}
			}
			is.True(!strings.Contains(r.Message, password)) // the proxy password never shows
			if tt.attempts > 0 {
				is.Equal(len(p.requests()), tt.attempts) // requests through the proxy: refusals and untrusted certificates are not retried
			}
		})
	}
}

func TestUnparsableProxyVariableIsReported(t *testing.T) {
	is := is.New(t)
	r := runChild(t, "https://ghes.proxy.test/x", "HTTPS_PROXY=http://u:s3cr\x01t@proxy.test:3128")
	is.True(!r.OK)                                                                    // the call goes out directly, and fails here
	is.True(strings.Contains(r.Log, "ignoring HTTPS_PROXY"))                          // the variable is named
	is.True(!strings.Contains(r.Log, "s3cr") && !strings.Contains(r.Message, "s3cr")) // its value is not
}
