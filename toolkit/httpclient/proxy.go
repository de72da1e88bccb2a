package httpclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// Outbound proxies come from the environment (HTTPS_PROXY, HTTP_PROXY,
// NO_PROXY and their lower-case forms, as net/http reads them), and the
// trusted CAs from the system store (SSL_CERT_FILE, SSL_CERT_DIR). This file
// turns their failures into envelopes that name the proxy or the
// certificate problem, never a proxy password.

// proxyEnv lists the variables that may hold a proxy URL with a password.
var proxyEnv = []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"}

// checkProxyEnv registers the passwords of the proxy URLs in the
// environment as secrets of the call, so that no log line, error or raw
// data can carry one, and warns when a variable cannot be parsed: net/http
// then ignores it silently and connects directly.
func checkProxyEnv(ctx context.Context, log *slog.Logger) {
	for _, k := range proxyEnv {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		u, ok := parseProxy(v)
		if !ok {
			log.Warn("ignoring " + k + ": it is not a valid proxy URL (http://[user:password@]host:port), so net/http connects directly")
			continue
		}
		if u.User == nil {
			continue
		}
		if pw, ok := u.User.Password(); ok && pw != "" {
			toolkit.AddSecret(ctx, pw)
		}
	}
}

// parseProxy reads a proxy variable as net/http does: a URL, else the
// value with "http://" put in front.
func parseProxy(v string) (*url.URL, bool) {
	u, err := url.Parse(v)
	if err == nil && u.Scheme != "" && u.Host != "" {
		return u, true
	}
	if u2, err2 := url.Parse("http://" + v); err2 == nil {
		return u2, true
	}
	return nil, false
}

// proxyStatusError is a proxy's refusal of a CONNECT tunnel: net/http
// keeps only the status text, so the transport's OnProxyConnectResponse
// records the status and the proxy here.
type proxyStatusError struct {
	proxy  string // the proxy URL, without a password
	target string // host:port the tunnel was asked for
	status int
	text   string // e.g. "407 Proxy Authentication Required"
}

func (e *proxyStatusError) Error() string {
	return fmt.Sprintf("the proxy %s answered %s to CONNECT %s", e.proxy, e.text, e.target)
}

// checkProxyConnect is the shared transport's OnProxyConnectResponse: any
// answer but 200 to CONNECT becomes a *proxyStatusError.
func checkProxyConnect(_ context.Context, proxy *url.URL, req *http.Request, resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	p := ""
	if proxy != nil {
		p = redactURL(proxy.String())
	}
	return &proxyStatusError{proxy: p, target: req.Host, status: resp.StatusCode, text: resp.Status}
}

// proxyVariable names the variable net/http reads the proxy of a URL from.
func proxyVariable(scheme string) string {
	if strings.EqualFold(scheme, "http") {
		return "HTTP_PROXY"
	}
	return "HTTPS_PROXY"
}

// proxyFor returns the environment's proxy for raw, without its password,
// or "" when there is none.
func proxyFor(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	p, err := http.ProxyFromEnvironment(&http.Request{URL: u})
	if err != nil || p == nil {
		return ""
	}
	return redactURL(p.String())
}

// proxyRefusal is the envelope-ready failure of a proxy that refused the
// tunnel (or, for an http:// upstream, answered 407 itself): a 5xx means
// the proxy could not reach the upstream (bad_gateway), anything else that
// it would not let the request out (connection_rejected).
func proxyRefusal(err error, proxy, target, text, variable string, status int) error {
	code := errs.ConnectionRejected
	hint := "Check that the proxy allows connections to " + target + "."
	switch {
	case status == http.StatusProxyAuthRequired:
		hint = "Check the proxy user name and password in " + variable + " (http://user:password@host:port, percent-encoded)."
	case status >= 500:
		code = errs.BadGateway
		hint = "The proxy could not reach " + target + ": check that the host name resolves and the port is open from the proxy."
	}
	if proxy == "" {
		proxy = "(from " + variable + ")"
	}
	e := errs.Wrap(err, code, fmt.Sprintf("The proxy %s refused the connection to %s: %s. %s", proxy, target, text, hint))
	e.Hint = hint
	return e
}

// proxyDialError is the envelope-ready failure of a proxy that could not
// be reached at all (net/http's "proxyconnect" error): connection_timeout
// when the attempt timed out, else connection_rejected. The proxy is named
// by its URL from the environment when the client uses the shared
// transport (envProxy), else by the address dialled.
func proxyDialError(err error, op *net.OpError, method, u string, envProxy bool) error {
	proxy := ""
	if envProxy {
		proxy = proxyFor(u)
	}
	if proxy == "" && op.Err != nil {
		var inner *net.OpError
		if errors.As(op.Err, &inner) && inner.Addr != nil {
			proxy = inner.Addr.String()
		}
	}
	variable := "HTTPS_PROXY"
	if pu, perr := url.Parse(u); perr == nil {
		variable = proxyVariable(pu.Scheme)
	}
	code := errs.ConnectionRejected
	if op.Timeout() {
		code = errs.ConnectionTimeout
	}
	cause := "unknown error"
	if op.Err != nil {
		cause = op.Err.Error()
	}
	hint := "Check that the proxy in " + variable + " is running and reachable from this host, or list the upstream's host in NO_PROXY to go without it."
	e := errs.Wrap(err, code, fmt.Sprintf("Could not connect to the proxy %s for %s %s (%s). %s", proxy, method, u, cause, hint))
	e.Hint = hint
	return e
}

// untrustedCertificate reports whether err is a failed check of the
// server's TLS certificate.
func untrustedCertificate(err error) bool {
	var (
		ua  x509.UnknownAuthorityError
		ci  x509.CertificateInvalidError
		he  x509.HostnameError
		cve *tls.CertificateVerificationError
	)
	return errors.As(err, &ua) || errors.As(err, &ci) || errors.As(err, &he) || errors.As(err, &cve)
}

// certificateError is the envelope-ready failure of an upstream whose TLS
// certificate was not accepted: connection_rejected, with the cause and
// how to trust a private CA.
func certificateError(err error, method, u string) error {
	host := u
	if pu, perr := url.Parse(u); perr == nil {
		host = pu.Host
	}
	hint := "If the server's certificate comes from a private CA, give that CA's PEM certificate to lumos with SSL_CERT_FILE (a file) or SSL_CERT_DIR (a folder)."
	e := errs.Wrap(err, errs.ConnectionRejected, fmt.Sprintf("The TLS certificate of %s is not trusted (%s) for %s %s. %s", host, causeText(err), method, u, hint))
	e.Hint = hint
	return e
}

// classifyEgress turns a proxy or certificate failure into its
// envelope-ready error; ok is false for any other failure.
func classifyEgress(err error, method, u string, envProxy bool) (error, bool) {
	var pse *proxyStatusError
	if errors.As(err, &pse) {
		variable := "HTTPS_PROXY"
		if pu, perr := url.Parse(u); perr == nil {
			variable = proxyVariable(pu.Scheme)
		}
		return proxyRefusal(err, pse.proxy, pse.target, pse.text, variable, pse.status), true
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "proxyconnect" {
		return proxyDialError(err, op, method, u, envProxy), true
	}
	if untrustedCertificate(err) {
		return certificateError(err, method, u), true
	}
	return nil, false
}
