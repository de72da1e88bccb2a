package serve_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lumosgo/lumos/internal/serve"
	"github.com/lumosgo/lumos/toolkit"
)

// fuzzToken is the bearer token of FuzzRoute's server.
const fuzzToken = "fuzz-token-8Yq2"

// fuzzMethods are the methods a fuzzed request picks from.
var fuzzMethods = []string{http.MethodGet, http.MethodPost, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions}

// tokenAccepted is whether an Authorization header carries fuzzToken as a
// bearer token (the scheme in any case, space around the token ignored).
func tokenAccepted(h string) bool {
	scheme, tok, ok := strings.Cut(h, " ")
	return ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(tok) == fuzzToken
}

// servedRoute reports whether an escaped path names a route of `lumos
// serve` that may answer 2xx.
func servedRoute(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/metrics", "/docs", "/connectors", "/openapi.json", "/openapi.yaml":
		return true
	}
	if strings.HasPrefix(path, "/docs/") {
		return true
	}
	segs := strings.Split(path, "/")
	return len(segs) == 4 && segs[0] == "" && segs[1] == "connectors" && segs[2] != "" && segs[3] != ""
}

// plainPath reports whether an escaped path is in its one plain form:
// absolute, without escaped bytes or backslashes, without empty, "." or
// ".." segments ("/" and "/docs/" excepted).
func plainPath(path string) bool {
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, `%\`) {
		return false
	}
	if path == "/" || path == "/docs/" {
		return true
	}
	for _, seg := range strings.Split(path[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// FuzzRoute sends any request line and Authorization header to `lumos
// serve`'s handler: it never fails with a 500 (a panic), answers 404 for a
// path not in its plain form (escaped bytes, empty, "." or ".." segments),
// lets nothing but the probes through without the token, and answers 2xx
// only on its routes.
func FuzzRoute(f *testing.F) {
	for _, seed := range []struct {
		method      uint8
		target, hdr string
	}{
		{0, "/healthz", ""},
		{0, "/connectors", "Bearer " + fuzzToken},
		{0, "/connectors", "bearer  " + fuzzToken + " "},
		{0, "/connectors", "Bearer wrong"},
		{0, "/connectors/mock/info", "Bearer " + fuzzToken},
		{1, "/connectors/mock/list-accounts", "Bearer " + fuzzToken},
		{1, "/connectors/mock/list_accounts?x=1", ""},
		{0, "/connectors/mock/../mock/info", "Bearer " + fuzzToken},
		{0, "/connectors/%6Dock/info", "Bearer " + fuzzToken},
		{0, "/connectors//info", "Bearer " + fuzzToken},
		{0, "/connectors/mock/info/", "Bearer " + fuzzToken},
		{0, "/docs/", "Bearer " + fuzzToken},
		{0, "/docs/../metrics", "Bearer " + fuzzToken},
		{0, `/connectors\mock\info`, "Bearer " + fuzzToken},
		{0, "http://lumos.test/connectors", "Bearer " + fuzzToken},
		{0, "*", ""},
		{3, "/healthz", ""},
		{0, "/connectors/mock/LIST_ACCOUNTS", "Bearer " + fuzzToken},
		{0, "/connectors/nope/info", "Bearer " + fuzzToken},
	} {
		f.Add(seed.method, seed.target, seed.hdr)
	}
	srv, err := serve.New(serve.Config{Connectors: toolkit.Integrations(), ConnectorList: []byte("[]\n"), Token: fuzzToken})
	if err != nil {
		f.Fatalf("serve.New: %v", err)
	}
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, m uint8, target, auth string) {
		method := fuzzMethods[int(m)%len(fuzzMethods)]
		raw := method + " " + target + " HTTP/1.1\r\nHost: lumos.test\r\n"
		if auth != "" {
			raw += "Authorization: " + auth + "\r\n"
		}
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw + "Content-Length: 0\r\n\r\n")))
		if err != nil || r.Header.Get("Authorization") != strings.TrimSpace(auth) {
			return // not one request a client could send, or the header reads otherwise
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		path := r.URL.EscapedPath()
		status := w.Code
		switch {
		case status >= 500 && status != http.StatusServiceUnavailable:
			t.Fatalf("%s %q (auth %q): %d %s", method, target, auth, status, w.Body)
		case !plainPath(path):
			if status != http.StatusNotFound {
				t.Fatalf("%s %q (path %q, not in its plain form) answered %d", method, target, path, status)
			}
		case !tokenAccepted(r.Header.Get("Authorization")) && path != "/healthz" && path != "/readyz":
			if status != http.StatusUnauthorized && status != http.StatusNotFound {
				t.Fatalf("%s %q without the token (auth %q) answered %d", method, target, auth, status)
			}
		case status < 300 && !servedRoute(path):
			t.Fatalf("%s %q (path %q) answered %d, but it is no route", method, target, path, status)
		}
	})
}
