// Package oauthtest runs a real OAuth 2.0 authorization server
// (github.com/go-oauth2/oauth2/v4, in memory) on loopback for tests of
// connectors built with package oauth: authorization endpoint at
// <URL>/authorize, token endpoint at <URL>/token, the authorization-code
// (with PKCE), client-credentials and refresh-token grants, and client
// authentication by HTTP Basic or in the form.
package oauthtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"
)

// UserID is the user every authorization request is granted for: the
// server consents on the user's behalf.
const UserID = "oauthtest-user"

// Server is a running authorization server.
type Server struct {
	URL     string         // base URL, e.g. http://127.0.0.1:12345
	OAuth   *server.Server // the go-oauth2 server, to adjust its handlers or Config
	Manager *manage.Manager

	clients *store.ClientStore
	http    *httptest.Server

	mu       sync.Mutex
	requests []TokenRequest
}

// TokenRequest is what the token endpoint received.
type TokenRequest struct {
	Method      string
	ContentType string
	Basic       bool       // the client authenticated with HTTP Basic
	Query       url.Values // the URL's query
	Form        url.Values // the form body (empty for other bodies)
}

// NewServer starts a server on loopback, stopped when the test ends. It
// accepts token requests by GET as well as POST.
func NewServer(t testing.TB) *Server {
	t.Helper()
	m := manage.NewDefaultManager()
	m.MustTokenStorage(store.NewMemoryTokenStore())
	clients := store.NewClientStore()
	m.MapClientStorage(clients)

	srv := server.NewDefaultServer(m)
	srv.Config.AllowGetAccessRequest = true
	srv.UserAuthorizationHandler = func(http.ResponseWriter, *http.Request) (string, error) { return UserID, nil }
	srv.ClientInfoHandler = func(r *http.Request) (string, string, error) {
		if _, _, ok := r.BasicAuth(); ok {
			return server.ClientBasicHandler(r)
		}
		return server.ClientFormHandler(r)
	}

	s := &Server{OAuth: srv, Manager: m, clients: clients}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		if err := srv.HandleAuthorizeRequest(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		_, _, basic := r.BasicAuth()
		s.mu.Lock()
		s.requests = append(s.requests, TokenRequest{
			Method: r.Method, ContentType: r.Header.Get("Content-Type"), Basic: basic,
			Query: r.URL.Query(), Form: r.PostForm,
		})
		s.mu.Unlock()
		if err := srv.HandleTokenRequest(w, r); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	s.http = httptest.NewServer(mux)
	s.URL = s.http.URL
	t.Cleanup(s.http.Close)
	return s
}

// AddClient registers a confidential client whose redirect URIs must be on
// the host of domain (e.g. "https://app.example").
func (s *Server) AddClient(id, secret, domain string) {
	_ = s.clients.Set(id, &models.Client{ID: id, Secret: secret, Domain: domain})
}

// TokenRequests returns what the token endpoint has received, in order.
func (s *Server) TokenRequests() []TokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TokenRequest(nil), s.requests...)
}

// Authorize follows an authorization URL as the user's browser would and
// returns where the server redirects: the redirect URI with the code and
// state (or with an error) in its query.
func (s *Server) Authorize(ctx context.Context, authorizationURL string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authorizationURL, nil)
	if err != nil {
		return "", err
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || loc == "" {
		return "", fmt.Errorf("oauthtest: the authorization endpoint answered %s without a redirect", resp.Status)
	}
	return loc, nil
}
