package httpclient_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// redirector is a transport that answers from a table of URLs: a URL with
// a Location redirects there with its status, any other answers 200. It
// records every request it is sent.
type redirector struct {
	mu     sync.Mutex
	routes map[string]redirect // URL → answer
	sent   []sentRequest
}

type redirect struct {
	status   int
	location string
}

type sentRequest struct {
	url    string
	header http.Header
	body   string
}

func (r *redirector) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	r.mu.Lock()
	r.sent = append(r.sent, sentRequest{req.URL.String(), req.Header.Clone(), string(body)})
	to, ok := r.routes[req.URL.String()]
	r.mu.Unlock()
	resp := &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{}`)), Request: req, ProtoMajor: 1, ProtoMinor: 1}
	if ok {
		resp.StatusCode, resp.Status = to.status, strconv.Itoa(to.status)+" "+http.StatusText(to.status)
		resp.Header = http.Header{"Location": {to.location}}
		resp.Body = io.NopCloser(strings.NewReader(""))
	}
	return resp, nil
}

// credentialHeaders are the headers the tests' client sends as credentials.
var credentialHeaders = []string{"Authorization", "X-Api-Key", "X-Signature", "Cookie", "X-Tenant-Key"}

func TestRedirectsKeepCredentialsWithTheirOrigin(t *testing.T) {
	t.Parallel()
	const start = "https://api.example/start"
	tests := []struct {
		name  string
		hops  []string // where each redirect leads, in turn
		keeps bool     // the last request carries the credentials
	}{
		{"same origin", []string{"https://api.example/moved"}, true},
		{"explicit default port", []string{"https://api.example:443/moved"}, true},
		{"scheme downgrade on the same host", []string{"http://api.example/moved"}, false},
		{"scheme downgrade on the same host and port", []string{"http://api.example:443/moved"}, false},
		{"scheme upgrade", []string{"https://api.example:80/moved"}, false},
		{"another port", []string{"https://api.example:8443/moved"}, false},
		{"a subdomain", []string{"https://files.api.example/moved"}, false},
		{"another host", []string{"https://elsewhere.example/moved"}, false},
		{"away and back", []string{"https://elsewhere.example/bounce", "https://api.example/back"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			rt := &redirector{routes: map[string]redirect{}}
			from := start
			for _, to := range tt.hops {
				rt.routes[from] = redirect{http.StatusFound, to}
				from = to
			}
			auth := httpclient.AuthFunc(func(req *http.Request) error {
				req.Header.Set("Authorization", "Bearer b-secret")
				req.Header.Set("X-Api-Key", "k-secret")
				req.Header.Set("X-Signature", "s-secret")
				req.Header.Set("Cookie", "session=c-secret")
				return nil
			})
			c := httpclient.New(context.Background(), httpclient.Options{BaseURL: "https://api.example", Auth: auth, Transport: rt,
				Header: http.Header{"X-Tenant-Key": {"t-secret"}}})
			_, err := c.GetJSON(context.Background(), "/start", nil)
			is.NoErr(err)
			is.Equal(len(rt.sent), len(tt.hops)+1)
			first, last := rt.sent[0], rt.sent[len(rt.sent)-1]
			is.Equal(last.url, from)
			for _, h := range credentialHeaders {
				is.True(first.header.Get(h) != "") // the first request has every credential
				want := ""
				if tt.keeps {
					want = first.header.Get(h)
				}
				is.Equal(last.header.Get(h), want) // the last one only at home
			}
			is.Equal(last.header.Get("Accept"), "application/json") // harmless headers go on
			is.True(strings.HasPrefix(last.header.Get("User-Agent"), "lumos/"))
			if !tt.keeps {
				is.Equal(last.header.Get("Referer"), "") // the previous URL may hold a secret
			}
		})
	}
}

func TestRedirectWithABody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		to      string
		follows bool   // else refused with api_error
		body    string // the body the last request carries
	}{
		{"307 at home keeps the body", http.StatusTemporaryRedirect, "https://api.example/moved", true, `{"secret":"x"}`},
		{"308 to another origin is refused", http.StatusPermanentRedirect, "https://elsewhere.example/moved", false, ""},
		{"307 downgrade is refused", http.StatusTemporaryRedirect, "http://api.example/moved", false, ""},
		{"303 to another origin becomes a GET without the body", http.StatusSeeOther, "https://elsewhere.example/moved", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			rt := &redirector{routes: map[string]redirect{"https://api.example/token": {tt.status, tt.to}}}
			c := httpclient.New(context.Background(), httpclient.Options{BaseURL: "https://api.example", Transport: rt, Auth: httpclient.Bearer("b-secret")})
			_, err := c.PostJSON(context.Background(), "/token", map[string]string{"secret": "x"}, nil)
			if !tt.follows {
				is.True(err != nil)
				d := errs.Describe(err, nil)
				is.Equal(d.Code, errs.APIError)
				is.True(strings.Contains(d.Message, "Refusing to follow a redirect of POST https://api.example/token"))
				is.Equal(len(rt.sent), 1) // the other origin got nothing
				return
			}
			is.NoErr(err)
			is.Equal(len(rt.sent), 2)
			is.Equal(rt.sent[1].url, tt.to)
			is.Equal(rt.sent[1].body, tt.body)
		})
	}
}

// A refused redirect is final: an idempotent PUT is not sent again.
func TestRefusedRedirectIsNotRetried(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	rt := &redirector{routes: map[string]redirect{"https://api.example/item": {http.StatusTemporaryRedirect, "https://elsewhere.example/item"}}}
	c := httpclient.New(context.Background(), httpclient.Options{BaseURL: "https://api.example", Transport: rt, Auth: httpclient.Bearer("b-secret")})
	_, err := c.PutJSON(context.Background(), "/item", map[string]string{"secret": "x"}, nil)
	is.Equal(errs.Describe(err, nil).Code, errs.APIError)
	is.Equal(len(rt.sent), 1) // one attempt, and the other origin got nothing
}

func TestRedirectsAreTraced(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	rt := &redirector{routes: map[string]redirect{
		"https://api.example/start?access_token=q-secret": {http.StatusMovedPermanently, "https://api.example/moved"},
		"https://api.example/moved":                       {http.StatusFound, "http://api.example/file?sig=s-secret&page=2"},
	}}
	var trace bytes.Buffer
	ctx := toolkit.WithTrace(context.Background(), &trace)
	c := httpclient.New(ctx, httpclient.Options{BaseURL: "https://api.example", Transport: rt, Auth: httpclient.Bearer("b-secret")})
	_, err := c.GetJSON(ctx, "/start?access_token=q-secret", nil)
	is.NoErr(err)
	lines := strings.Split(strings.TrimSuffix(trace.String(), "\n"), "\n")
	is.Equal(len(lines), 3) // two redirects, then the attempt
	is.Equal(lines[0], "http redirect GET https://api.example/start?access_token=REDACTED -> 301 Moved Permanently -> GET https://api.example/moved")
	is.Equal(lines[1], "http redirect GET https://api.example/moved -> 302 Found -> GET http://api.example/file?sig=REDACTED&page=2 (another origin: credentials and connector headers not sent)")
	is.True(strings.HasPrefix(lines[2], "http GET https://api.example/start?access_token=REDACTED -> 200 OK"))
	is.True(!strings.Contains(trace.String(), "secret"))
}
