//go:build linux

package squidtest_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/connectortest/squidtest"
)

func TestSquidTunnelsByItsOwnHostsFile(t *testing.T) {
	// httptest's certificate is for example.com: the proxy resolves that
	// name to the loopback server, which nothing else would.
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "hello through the tunnel")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	t.Cleanup(srv.Close)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	other := port + 1
	sq := squidtest.Start(t, squidtest.Options{
		Hosts: map[string]string{"example.com": "127.0.0.1", "other.test": "127.0.0.1"},
		Ports: []int{port, other},
		User:  "alice", Password: "s3cret",
	})
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())

	tests := []struct {
		name    string
		user    *url.Userinfo
		target  string
		wantErr string // "" for success
	}{
		{"authenticated tunnel", url.UserPassword("alice", "s3cret"), "https://example.com:" + strconv.Itoa(port) + "/", ""},
		{"wrong password", url.UserPassword("alice", "nope"), "https://example.com:" + strconv.Itoa(port) + "/", "Proxy Authentication Required"},
		{"no credentials", nil, "https://example.com:" + strconv.Itoa(port) + "/", "Proxy Authentication Required"},
		{"port not allowed", url.UserPassword("alice", "s3cret"), "https://example.com:443/", "Forbidden"},
		{"allowed port, nothing listening", url.UserPassword("alice", "s3cret"), "https://other.test:" + strconv.Itoa(other) + "/", "Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			proxy := &url.URL{Scheme: "http", Host: sq.Addr, User: tt.user}
			client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: pool2config(pool)}}
			defer client.CloseIdleConnections()
			resp, err := client.Get(tt.target)
			if tt.wantErr != "" {
				is.True(err != nil) // the proxy refused
				is.True(strings.Contains(err.Error(), tt.wantErr))
				return
			}
			is.NoErr(err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			is.NoErr(err)
			is.Equal(string(body), "hello through the tunnel")
		})
	}
	is := is.New(t)
	found := false
	for _, l := range sq.Access() {
		found = found || strings.Contains(l, "CONNECT example.com:"+strconv.Itoa(port)+" alice")
	}
	is.True(found) // the access log names the tunnel and the user
}

func pool2config(pool *x509.CertPool) *tls.Config { return &tls.Config{RootCAs: pool} }
