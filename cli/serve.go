//go:build !lumos_runtime

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"github.com/lumosgo/lumos/internal/serve"
	"github.com/lumosgo/lumos/toolkit"
)

// serveCommands holds `lumos serve`. Builds tagged lumos_runtime (the
// on-prem bundles, started once per call) leave it out with its HTTP server
// and metrics library, whose package initialisers every start-up would pay.
type serveCommands struct {
	Serve serveCommand `cmd:"" help:"Answer capability calls of every connector over HTTP (see docs/serve.md)."`
}

// serveCommand is `lumos serve` (every connector under /connectors/) and
// `lumos <connector> serve` or `<connector>-connector serve` (one
// connector, with the routes of the reference SDK's development server).
// See docs/serve.md.
type serveCommand struct {
	Listen            string        `name:"listen" env:"LUMOS_SERVE_LISTEN" default:"127.0.0.1:8000" placeholder:"HOST:PORT" help:"Address to listen on. Anything but a loopback address needs --token-file or --tls-client-ca."`
	Port              int           `name:"port" short:"p" env:"LUMOS_SERVE_PORT" help:"Port to listen on, replacing the port of --listen (as the reference server's --port)."`
	TokenFile         string        `name:"token-file" env:"LUMOS_SERVE_TOKEN_FILE" placeholder:"FILE" help:"File holding the bearer token every request but /healthz and /readyz must carry; read again on SIGHUP."`
	TLSCert           string        `name:"tls-cert" env:"LUMOS_SERVE_TLS_CERT" placeholder:"FILE" help:"Serve HTTPS with this PEM certificate (chain); reloaded when it changes and on SIGHUP."`
	TLSKey            string        `name:"tls-key" env:"LUMOS_SERVE_TLS_KEY" placeholder:"FILE" help:"The PEM private key of --tls-cert."`
	TLSClientCA       string        `name:"tls-client-ca" env:"LUMOS_SERVE_TLS_CLIENT_CA" placeholder:"FILE" help:"Require client certificates signed by a CA in this PEM file."`
	CallTimeout       time.Duration `name:"call-timeout" env:"LUMOS_SERVE_CALL_TIMEOUT" default:"2m" help:"Deadline of one capability call."`
	ReadHeaderTimeout time.Duration `name:"read-header-timeout" env:"LUMOS_SERVE_READ_HEADER_TIMEOUT" default:"10s" help:"How long a client may take to send its request headers."`
	BodyTimeout       time.Duration `name:"body-timeout" env:"LUMOS_SERVE_BODY_TIMEOUT" default:"30s" help:"How long a client may take to send a whole request."`
	IdleTimeout       time.Duration `name:"idle-timeout" env:"LUMOS_SERVE_IDLE_TIMEOUT" default:"2m" help:"How long an idle keep-alive connection stays open."`
	DrainTimeout      time.Duration `name:"drain-timeout" env:"LUMOS_SERVE_DRAIN_TIMEOUT" default:"25s" help:"On SIGTERM, how long to wait for calls in flight before exiting."`
	MaxInFlight       int           `name:"max-in-flight" env:"LUMOS_SERVE_MAX_IN_FLIGHT" default:"256" help:"Capability calls run at once; more are answered 503 with Retry-After."`
	AccessLog         bool          `name:"access-log" env:"LUMOS_SERVE_ACCESS_LOG" default:"true" negatable:"" help:"Write one JSON line per request on standard error."`
	UseProxy          bool          `name:"use-proxy" aliases:"sip" hidden:"" help:"Accepted for compatibility with the reference server; ignored."`

	connector *toolkit.Integration
	logName   string
}

// serving reports whether the command line is a serve command:
// `lumos serve`, `lumos <connector> serve` or `<connector>-connector serve`.
func (s start) serving() bool {
	a := s.args
	if s.connector == nil && len(a) > 1 && isConnector(a[0]) {
		a = a[1:]
	}
	return len(a) > 0 && a[0] == "serve"
}

// runServe answers a serve command line. It answers its own signals:
// SIGTERM and SIGINT drain the calls in flight and exit 0, SIGHUP reloads
// the token and TLS files.
func runServe(s start, streams *Streams) int {
	if err := checkConnectors(toolkit.AppIDs()); err != nil {
		fmt.Fprintf(streams.Stderr, "%s: error: %v\n", s.prog, err)
		return ExitFatal
	}
	cmd := serveCommand{connector: s.connector, logName: s.logName()}
	prog := s.prog
	args := s.args
	if s.connector == nil && args[0] != "serve" {
		cmd.connector, _ = toolkit.Lookup(args[0])
		prog, args = prog+" "+args[0], args[1:]
	}
	grammar := &struct {
		Serve serveCommand `cmd:"" help:"Answer capability calls over HTTP (see docs/serve.md)."`
	}{cmd}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return parseAndRun(ctx, start{mode: s.mode, prog: prog, args: args}, streams, grammar, []kong.Option{kong.Name(prog)})
}

// Run serves until SIGTERM or SIGINT.
func (c *serveCommand) Run(ctx context.Context, s *Streams) error {
	logger, logs, err := newLogger(os.Getenv, c.logName, s.Stderr, time.Now)
	if err != nil {
		return err
	}
	defer logs.Close()
	cfg := serve.Config{
		Single: c.connector, Version: Version(), TokenFile: c.TokenFile,
		TLSCert: c.TLSCert, TLSKey: c.TLSKey, TLSClientCA: c.TLSClientCA,
		CallTimeout: c.CallTimeout, ReadHeaderTimeout: c.ReadHeaderTimeout, BodyTimeout: c.BodyTimeout,
		IdleTimeout: c.IdleTimeout, DrainTimeout: c.DrainTimeout, MaxInFlight: c.MaxInFlight, Log: logger,
	}
	events := slog.New(slog.NewJSONHandler(s.Stderr, nil))
	if c.AccessLog {
		cfg.AccessLog = events
	}
	if c.connector == nil {
		cfg.Connectors = toolkit.Integrations()
		if cfg.ConnectorList, err = connectorListJSON(); err != nil {
			return err
		}
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serve.GCPercent)
	}
	srv, err := serve.New(cfg)
	if err != nil {
		return err
	}
	addr := c.Listen
	if c.Port != 0 {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("--listen %q: %w", addr, err)
		}
		addr = net.JoinHostPort(host, strconv.Itoa(c.Port))
	}
	if err := srv.CheckAddress(addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer func() { signal.Stop(hup); close(hup) }()
	go func() {
		for range hup {
			if err := srv.Reload(); err != nil {
				events.Error("reload failed", "error", err.Error())
			} else {
				events.Info("reloaded the token and TLS files")
			}
		}
	}()
	events.Info("listening", "addr", ln.Addr().String(), "tls", c.TLSCert != "")
	err = srv.Serve(ctx, ln)
	events.Info("stopped")
	return err
}

// connectorListJSON is the document `lumos connectors list --json` prints.
func connectorListJSON() ([]byte, error) {
	ins := toolkit.Integrations()
	out := make([]connectorSummary, 0, len(ins))
	for _, in := range ins {
		d := in.Declaration().Description
		out = append(out, connectorSummary{in.AppID(), in.Version(), d.UserFriendlyName, d.Description, in.Capabilities()})
	}
	b, err := json.Marshal(out)
	return append(b, '\n'), err
}
