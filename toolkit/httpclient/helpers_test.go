package httpclient_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// t0 is the fake clock's start; the servers' reset headers are relative to it.
var t0 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// fakeClock records the waits asked of it and advances its time by them.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	waits  []time.Duration
	onWait func(n int) // called before returning from the n-th wait (1-based)
}

func newClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	n, hook := len(c.waits), c.onWait
	c.mu.Unlock()
	if hook != nil {
		hook(n)
	}
	return ctx.Err()
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// options returns client options on the fake clock.
func (c *fakeClock) options(base string) httpclient.Options {
	return httpclient.Options{AppID: "test", BaseURL: base, Now: c.Now, Sleep: c.Sleep}
}

// reply is one scripted answer.
type reply struct {
	status int
	header map[string]string
	body   string
	hangUp bool // read the request, then close the connection without answering
}

// script serves its replies in order (the last one repeats) and counts the
// requests it saw.
type script struct {
	replies []reply
	hits    atomic.Int32
	mu      sync.Mutex
	bodies  []string
	headers []http.Header
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.hits.Add(1))
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	s.headers = append(s.headers, r.Header.Clone())
	s.mu.Unlock()
	rp := s.replies[min(n, len(s.replies))-1]
	if rp.hangUp {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range rp.header {
		w.Header().Set(k, v)
	}
	if rp.status == 0 {
		rp.status = http.StatusOK
	}
	w.WriteHeader(rp.status)
	io.WriteString(w, rp.body)
}

// Bodies returns the request bodies seen so far.
func (s *script) Bodies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// Header returns the headers of the i-th request.
func (s *script) Header(i int) http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.headers[i]
}

func serve(t *testing.T, replies ...reply) (*script, *httptest.Server) {
	t.Helper()
	s := &script{replies: replies}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// rules are the usual connector error rules: statuses mapped by errs.HTTPHandler.
var rules = []errs.Rule{{Match: errs.Is[*errs.HTTPStatusError](), Handler: errs.HTTPHandler}}
