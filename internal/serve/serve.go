// Package serve answers capability calls over HTTP: `lumos serve` holds
// every built-in connector in one long-running process (the hosted
// deployment model), and `lumos <connector> serve` one connector with the
// routes of the reference SDK's development server.
//
// A call goes through the same toolkit dispatch the command line uses, so
// the envelope a client receives is byte for byte what
// `lumos <connector> <capability> --json '<request>'` prints. Everything the
// server keeps between calls (metrics, cached documents) is derived from the
// binary: replicas are interchangeable, and a page token started on one
// replica is resumed on any other.
package serve

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// Defaults of Config's zero fields.
const (
	DefaultCallTimeout       = 2 * time.Minute
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultBodyTimeout       = 30 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultDrainTimeout      = 25 * time.Second
	DefaultMaxInFlight       = 256
	DefaultRetryAfter        = 1 * time.Second
)

// GCPercent is the garbage collector's target (GOGC) a server process runs
// with unless GOGC is set: a call allocates far more than it keeps, and a
// long-running server does better trading some memory for fewer
// collections (BenchmarkThroughput).
const GCPercent = 400

// Config is what a server serves and how.
type Config struct {
	// Connectors are the connectors served under /connectors/{app_id}/.
	Connectors []*toolkit.Integration
	// Single, when set, serves that one connector with the reference
	// SDK's routes (POST /{capability}, GET /openapi.json, GET /docs)
	// instead of the /connectors routes.
	Single *toolkit.Integration
	// ConnectorList is the body of GET /connectors (the document
	// `lumos connectors list --json` prints).
	ConnectorList []byte
	// Version is lumos's version, shown in the SDK-wide OpenAPI document.
	Version string

	// Token is the bearer token every request but the probes must carry;
	// empty for none. TokenFile, when set, is read at start and on Reload
	// and takes precedence.
	Token     string
	TokenFile string
	// TLS: certificate and key files (reloaded when they change and on
	// Reload), and a CA file whose certificates client certificates must
	// chain to (client certificates are then required).
	TLSCert, TLSKey, TLSClientCA string
	// AllowRemote permits a non-loopback address with neither a token nor
	// client certificates.
	AllowRemote bool

	CallTimeout       time.Duration // the deadline of one capability call
	ReadHeaderTimeout time.Duration // how long a client may take to send its headers
	BodyTimeout       time.Duration // how long a client may take to send a whole request
	IdleTimeout       time.Duration // how long an idle keep-alive connection stays open
	DrainTimeout      time.Duration // how long shutting down waits for calls in flight
	MaxInFlight       int           // capability calls run at once; more are answered 503
	RetryAfter        time.Duration // the Retry-After of a 503

	// Log is the logger of the connectors' own records (the command
	// line's); AccessLog receives one JSON record per request. Either may
	// be nil for none.
	Log       *slog.Logger
	AccessLog *slog.Logger
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.CallTimeout, DefaultCallTimeout)
	def(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&c.BodyTimeout, DefaultBodyTimeout)
	def(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.DrainTimeout, DefaultDrainTimeout)
	def(&c.RetryAfter, DefaultRetryAfter)
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = DefaultMaxInFlight
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Server is a configured server: its handler, metrics and credentials.
type Server struct {
	cfg     Config
	byID    map[string]*toolkit.Integration
	caps    map[*toolkit.Integration]map[string]bool // each connector's capabilities, for labels
	slots   chan struct{}
	metrics *metrics
	token   atomic.Pointer[[32]byte] // SHA-256 of the bearer token, nil for none
	tls     *tlsState
	ready   atomic.Bool
	handler http.Handler
	docs    *docs

	deadlineCause error // why a call past CallTimeout was stopped
}

// New checks cfg and builds its server. It reads the token file and the
// TLS files, so a mistake in them stops the server before it listens.
func New(cfg Config) (*Server, error) {
	cfg.defaults()
	s := &Server{cfg: cfg, byID: map[string]*toolkit.Integration{}, slots: make(chan struct{}, cfg.MaxInFlight)}
	for _, in := range cfg.Connectors {
		s.byID[in.AppID()] = in
	}
	if cfg.Single != nil {
		s.byID = map[string]*toolkit.Integration{cfg.Single.AppID(): cfg.Single}
	}
	s.caps = map[*toolkit.Integration]map[string]bool{}
	for _, in := range s.byID {
		s.caps[in] = map[string]bool{}
		for _, c := range in.Capabilities() {
			s.caps[in][string(c)] = true
		}
	}
	if err := s.loadToken(); err != nil {
		return nil, err
	}
	if cfg.TLSCert != "" || cfg.TLSKey != "" || cfg.TLSClientCA != "" {
		t, err := newTLSState(cfg.TLSCert, cfg.TLSKey, cfg.TLSClientCA)
		if err != nil {
			return nil, err
		}
		s.tls = t
	}
	s.deadlineCause = errs.Wrap(errCallDeadline{cfg.CallTimeout}, errs.RequestTimeout, errCallDeadline{cfg.CallTimeout}.Error())
	s.metrics = newMetrics()
	s.docs = newDocs(s)
	s.handler = s.routes()
	return s, nil
}

// Handler is the server's HTTP handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Reload reads the token file and the TLS files again (on SIGHUP).
func (s *Server) Reload() error {
	err := s.loadToken()
	if s.tls != nil {
		err = errors.Join(err, s.tls.reload())
	}
	return err
}

func (s *Server) loadToken() error {
	tok := s.cfg.Token
	if s.cfg.TokenFile != "" {
		b, err := os.ReadFile(s.cfg.TokenFile)
		if err != nil {
			return fmt.Errorf("reading the token file: %w", err)
		}
		tok = string(bytes.TrimSpace(b))
		if tok == "" {
			return fmt.Errorf("the token file %s is empty", s.cfg.TokenFile)
		}
	}
	if tok == "" {
		s.token.Store(nil)
		return nil
	}
	h := hashToken(tok)
	s.token.Store(&h)
	return nil
}

// CheckAddress refuses to listen on addr when it is not a loopback address
// and the server asks clients for neither a token nor a certificate.
func (s *Server) CheckAddress(addr string) error {
	if s.cfg.AllowRemote || s.token.Load() != nil || (s.tls != nil && s.tls.clientCA != "") {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on %s, which is not a loopback address, without --token-file or --tls-client-ca: anyone who can reach it could call the connectors", addr)
}

// Serve answers requests on ln until ctx is done, then stops accepting
// connections and waits up to DrainTimeout for the calls in flight to
// answer. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.BodyTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logHandler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if s.tls != nil {
		srv.TLSConfig = &tls.Config{GetConfigForClient: s.tls.configForClient, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
		stop := s.tls.watch(ctx, 2*time.Second)
		defer stop()
	}
	s.ready.Store(true)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.DrainTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		_ = srv.Close()
		return fmt.Errorf("calls still running after the drain timeout of %s", s.cfg.DrainTimeout)
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}

func (s *Server) logHandler() slog.Handler {
	if s.cfg.AccessLog != nil {
		return s.cfg.AccessLog.Handler()
	}
	return slog.DiscardHandler
}
