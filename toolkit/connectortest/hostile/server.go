// Package hostile is an upstream API that misbehaves on purpose, served on
// loopback for tests: next-page links that point back at themselves or go
// round in circles, endless pages, absurd rate-limit headers, nulls in
// lists, connections that break in the middle of an answer, answers that
// echo the request's credentials in escaped JSON spellings, https
// redirecting to plain http, next-page links carrying credentials, and
// answers full of line breaks and terminal escapes meant to forge log
// records.
//
// Every registered attack (see Register and Routes) answers at /<name> and
// below, so a test points a client at srv.URL()+"/self-link/users" (or at
// srv.TLSURL(), the same routes over https, with srv.Transport()). Any
// attack can also be mounted at a path an API uses, with the rest of the
// API served by a fallback handler (a fake of the real API):
//
//	srv := hostile.New(t, fake)
//	srv.Mount("GET /orgs/acme/members", hostile.SelfLink(`[]`))
//
// Adding an attack: write a constructor returning an http.Handler, and
// register it under a name in an init function of its own file.
package hostile

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
)

// Route is one named attack.
type Route struct {
	Name    string       // the path segment it answers under: /<Name>/...
	Doc     string       // what it does, one sentence
	Handler http.Handler // the attack
}

var (
	routesMu sync.Mutex
	routes   = map[string]Route{}
)

// Register adds a named attack to every server made afterwards; a name
// registered twice panics.
func Register(r Route) {
	routesMu.Lock()
	defer routesMu.Unlock()
	if _, dup := routes[r.Name]; dup {
		panic("hostile: route " + r.Name + " registered twice")
	}
	routes[r.Name] = r
}

// Routes returns the registered attacks, sorted by name.
func Routes() []Route {
	routesMu.Lock()
	defer routesMu.Unlock()
	out := make([]Route, 0, len(routes))
	for _, r := range routes {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Server is a hostile upstream on loopback.
type Server struct {
	srv      *httptest.Server
	tls      *httptest.Server
	mux      *http.ServeMux
	fallback http.Handler
	requests atomic.Int64
	mu       sync.Mutex
	paths    map[string]int
	received []Received
}

// Received is one request a Server received.
type Received struct {
	TLS    bool        // it came to the https listener
	Method string      // its method
	URL    string      // its path and query
	Header http.Header // its headers
}

// serverKey carries the *Server in a request's context.
type serverKey struct{}

// New starts a server with every registered attack mounted at /<name>/,
// answering anything else with fallback (nil: 404). It is closed when tb's
// test ends.
func New(tb testing.TB, fallback http.Handler) *Server {
	tb.Helper()
	s := &Server{mux: http.NewServeMux(), fallback: fallback, paths: map[string]int{}}
	if s.fallback == nil {
		s.fallback = http.NotFoundHandler()
	}
	for _, r := range Routes() {
		s.mux.Handle("/"+r.Name+"/", r.Handler)
		s.mux.Handle("/"+r.Name, r.Handler)
	}
	s.mux.Handle("/", s.fallback)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.srv.Close)
	s.tls = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.tls.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.Lock()
	s.paths[r.URL.Path]++
	s.received = append(s.received, Received{TLS: r.TLS != nil, Method: r.Method, URL: r.URL.RequestURI(), Header: r.Header.Clone()})
	s.mu.Unlock()
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), serverKey{}, s)))
}

// URL is the server's base URL, http://127.0.0.1:<port>.
func (s *Server) URL() string { return s.srv.URL }

// TLSURL is the base URL of the server's https listener,
// https://127.0.0.1:<port>: the same routes, over TLS with a test
// certificate that only Transport trusts.
func (s *Server) TLSURL() string { return s.tls.URL }

// Transport is an HTTP transport that trusts the https listener's
// certificate (and reaches the plain listener too).
func (s *Server) Transport() *http.Transport {
	return s.tls.Client().Transport.(*http.Transport)
}

// Received returns every request the server received so far, on both
// listeners, in order.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Mount serves h at pattern (an http.ServeMux pattern such as
// "GET /orgs/acme/members"), ahead of the fallback.
func (s *Server) Mount(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Requests is how many requests the server received.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// Hits is how many requests the server received for path (without query).
func (s *Server) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paths[path]
}
