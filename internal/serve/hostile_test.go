package serve_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/internal/serve"
	"github.com/lumosgo/lumos/toolkit"
)

// rawRequest sends text on a new connection and returns the status line
// and body of the answer (or the read error, as "error: ...").
func rawRequest(t *testing.T, addr, text string) (string, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, text); err != nil {
		return "error: " + err.Error(), ""
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return "error: " + err.Error(), ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.Status, string(b)
}

// TestPathTricks: no spelling of a path reaches a route it does not name.
func TestPathTricks(t *testing.T) {
	url, _ := newServer(t, serve.Config{})
	addr := strings.TrimPrefix(url, "http://")
	body := `{` + mockAuth + `,"request":{}}`
	for _, path := range []string{
		"/connectors/../healthz",
		"/connectors/../connectors/mock/validate_credentials",
		"/connectors/mock/../mock/validate_credentials",
		"/connectors/./mock/validate_credentials",
		"//connectors/mock/validate_credentials",
		"/connectors//mock/validate_credentials",
		"/connectors/mock%2Fvalidate_credentials",
		"/connectors/mock/validate%5fcredentials",
		"/connectors%2Fmock%2Fvalidate_credentials",
		"/connectors/mock/..%2F..%2Fhealthz",
		"/connectors/mock/%2e%2e/mock/validate_credentials",
		"/connectors/mock\\validate_credentials",
	} {
		t.Run(path, func(t *testing.T) {
			is := is.New(t)
			status, got := rawRequest(t, addr, "POST "+path+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body)
			is.True(strings.HasPrefix(status, "404") || strings.HasPrefix(status, "400")) // not found, or refused by net/http
			is.True(!strings.Contains(got, "response"))                                   // no capability ran
		})
	}
}

// TestOversizedBodies answers 413 whether the client announces the size
// or streams it.
func TestOversizedBodies(t *testing.T) {
	url, _ := newServer(t, serve.Config{})
	addr := strings.TrimPrefix(url, "http://")
	t.Run("announced", func(t *testing.T) {
		is := is.New(t)
		status, body := rawRequest(t, addr, "POST /connectors/mock/validate_credentials HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n{")
		is.True(strings.HasPrefix(status, "413"))
		is.Equal(body, `{"detail":"Request Entity Too Large"}`)
	})
	t.Run("streamed", func(t *testing.T) {
		is := is.New(t)
		req, _ := http.NewRequest("POST", url+"/connectors/mock/validate_credentials", io.LimitReader(zeros{}, toolkit.MaxRequestBytes+10))
		req.ContentLength = -1 // chunked: the server learns the size only by reading
		resp, err := http.DefaultClient.Do(req)
		if err != nil { // the server may close before reading all of it
			return
		}
		defer resp.Body.Close()
		is.Equal(resp.StatusCode, http.StatusRequestEntityTooLarge)
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestSlowClients: a client that trickles its headers or its body is cut
// off after the server's timeouts, and the server keeps serving others.
func TestSlowClients(t *testing.T) {
	srv, err := serve.New(serve.Config{Connectors: toolkit.Integrations(), ReadHeaderTimeout: 300 * time.Millisecond, BodyTimeout: 600 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	addr := ln.Addr().String()
	cases := []struct{ name, partial string }{
		{"headers", "POST /connectors/mock/validate_credentials HTTP/1.1\r\nHost: x\r\n"},
		{"body", "POST /connectors/mock/validate_credentials HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"auth\":"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			c, err := net.Dial("tcp", addr)
			is.NoErr(err)
			defer c.Close()
			_, err = io.WriteString(c, tc.partial)
			is.NoErr(err)
			start := time.Now()
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, _ = io.ReadAll(c)                       // the server answers (408 or nothing) and closes
			is.True(time.Since(start) < 5*time.Second) // cut off by the server's timeout, not the test's
			got := do(t, "GET", "http://"+addr+"/healthz", "")
			is.Equal(got.status, 200) // others are still served
		})
	}
}

// TestToken: without the token nothing but the probes answers, and a 401
// says nothing about what exists.
func TestToken(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte("s3cret-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	url, srv := newServer(t, serve.Config{TokenFile: file})
	body := `{` + mockAuth + `,"request":{}}`
	cases := []struct {
		name, method, path, auth string
		status                   int
	}{
		{"no token", "POST", "/connectors/mock/validate_credentials", "", 401},
		{"wrong token", "POST", "/connectors/mock/validate_credentials", "Bearer nope", 401},
		{"token as basic", "POST", "/connectors/mock/validate_credentials", "Basic s3cret-token", 401},
		{"prefix of the token", "POST", "/connectors/mock/validate_credentials", "Bearer s3cret", 401},
		{"unknown connector without token", "POST", "/connectors/nope/x", "", 401},
		{"unknown route without token", "GET", "/nope", "", 401},
		{"wrong method without token", "GET", "/connectors/mock/validate_credentials", "", 401},
		{"metrics without token", "GET", "/metrics", "", 401},
		{"docs without token", "GET", "/docs", "", 401},
		{"healthz needs none", "GET", "/healthz", "", 200},
		{"right token", "POST", "/connectors/mock/validate_credentials", "Bearer s3cret-token", 200},
		{"scheme in lower case", "POST", "/connectors/mock/validate_credentials", "bearer s3cret-token", 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			var h []string
			if tc.auth != "" {
				h = []string{"Authorization", tc.auth}
			}
			got := do(t, tc.method, url+tc.path, body, h...)
			is.Equal(got.status, tc.status)
			if tc.status == 401 {
				is.Equal(got.body, `{"detail":"Unauthorized"}`) // the same answer whatever was asked
				is.Equal(got.header.Get("Allow"), "")
			}
		})
	}
	t.Run("reload", func(t *testing.T) {
		is := is.New(t)
		is.NoErr(os.WriteFile(file, []byte("rotated"), 0o600))
		is.NoErr(srv.Reload())
		is.Equal(do(t, "POST", url+"/connectors/mock/validate_credentials", body, "Authorization", "Bearer s3cret-token").status, 401)
		is.Equal(do(t, "POST", url+"/connectors/mock/validate_credentials", body, "Authorization", "Bearer rotated").status, 200)
	})
}

// TestListenAddress refuses a non-loopback address without a token or
// client certificates.
func TestListenAddress(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte("t"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		addr      string
		tokenFile string
		ok        bool
	}{
		{"127.0.0.1:8000", "", true},
		{"[::1]:8000", "", true},
		{"localhost:8000", "", true},
		{"0.0.0.0:8000", "", false},
		{":8000", "", false},
		{"10.1.2.3:8000", "", false},
		{"example.com:8000", "", false},
		{"0.0.0.0:8000", file, true},
	}
	for _, tc := range cases {
		t.Run(tc.addr, func(t *testing.T) {
			is := is.New(t)
			srv, err := serve.New(serve.Config{TokenFile: tc.tokenFile})
			is.NoErr(err)
			is.Equal(srv.CheckAddress(tc.addr) == nil, tc.ok)
		})
	}
}

// TestTLS serves HTTPS with client certificates required, and picks up a
// new certificate written over the old one.
func TestTLS(t *testing.T) {
	is := is.New(t)
	dir := t.TempDir()
	ca, caKey := newCA(t)
	writePEM(t, filepath.Join(dir, "ca.pem"), "CERTIFICATE", ca.Raw)
	leaf := func(name string, client bool) tls.Certificate {
		der, key := signLeaf(t, ca, caKey, name, client)
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	}
	writePair := func(c tls.Certificate) {
		writePEM(t, filepath.Join(dir, "cert.pem"), "CERTIFICATE", c.Certificate[0])
		kb, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
		is.NoErr(err)
		writePEM(t, filepath.Join(dir, "key.pem"), "PRIVATE KEY", kb)
	}
	writePair(leaf("server-one", false))
	srv, err := serve.New(serve.Config{Connectors: toolkit.Integrations(), TLSCert: filepath.Join(dir, "cert.pem"),
		TLSKey: filepath.Join(dir, "key.pem"), TLSClientCA: filepath.Join(dir, "ca.pem")})
	is.NoErr(err)
	is.NoErr(srv.CheckAddress("0.0.0.0:1")) // client certificates count as authentication
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	is.NoErr(err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	client := func(certs ...tls.Certificate) *http.Client {
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true,
			TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: certs, ServerName: "localhost"}}}
	}
	url := "https://" + ln.Addr().String() + "/connectors/mock/validate_credentials"
	body := `{` + mockAuth + `,"request":{}}`
	resp, err := client(leaf("client", true)).Post(url, "application/json", strings.NewReader(body))
	is.NoErr(err)
	resp.Body.Close()
	is.Equal(resp.StatusCode, 200)
	is.Equal(resp.TLS.PeerCertificates[0].Subject.CommonName, "server-one")
	_, err = client().Post(url, "application/json", strings.NewReader(body))
	is.True(err != nil) // no client certificate: the handshake fails
	writePair(leaf("server-two", false))
	is.NoErr(srv.Reload()) // as SIGHUP does; the file watcher would within seconds
	resp, err = client(leaf("client", true)).Post(url, "application/json", strings.NewReader(body))
	is.NoErr(err)
	resp.Body.Close()
	is.Equal(resp.TLS.PeerCertificates[0].Subject.CommonName, "server-two")
	writePair(leaf("server-three", false)) // no Reload: the server notices the files changed
	var cn string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && cn != "server-three"; time.Sleep(200 * time.Millisecond) {
		resp, err = client(leaf("client", true)).Post(url, "application/json", strings.NewReader(body))
		is.NoErr(err)
		resp.Body.Close()
		cn = resp.TLS.PeerCertificates[0].Subject.CommonName
	}
	is.Equal(cn, "server-three")
}

func newCA(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

func signLeaf(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, cn string, client bool) ([]byte, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	usage := x509.ExtKeyUsageServerAuth
	if client {
		usage = x509.ExtKeyUsageClientAuth
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: cn}, DNSNames: []string{"localhost"},
		ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return der, key
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
