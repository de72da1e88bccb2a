//go:build linux

package squidtest

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lumosgo/lumos/toolkit/connectortest/debserver"
)

// BasicAuthHelper is where Debian's squid package installs the helper that
// checks Basic proxy credentials against a password file.
const BasicAuthHelper = "/usr/lib/squid/basic_ncsa_auth"

// Options configure a proxy. The zero value is an open proxy that
// resolves nothing.
type Options struct {
	// Hosts maps host names to the IP addresses the proxy resolves them
	// to, e.g. {"ghes.lumos.test": "127.0.0.1"}. Other names do not
	// resolve (the proxy asks no DNS server but 127.0.0.1).
	Hosts map[string]string
	// Ports, when not empty, are the only ports CONNECT may open tunnels
	// to; others are refused with 403.
	Ports []int
	// User and Password, when User is set, make the proxy require Basic
	// proxy authentication with them (407 otherwise).
	User, Password string
}

// Squid is a running proxy.
type Squid struct {
	// Addr is the proxy's loopback address, "127.0.0.1:port".
	Addr string

	dir  string
	cmd  *exec.Cmd
	once sync.Once
}

// Start starts a proxy configured by o and stops it when tb ends; it fails
// tb when Squid cannot be installed or does not come up.
func Start(tb testing.TB, o Options) *Squid {
	tb.Helper()
	s, err := start(o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

func start(o Options) (*Squid, error) {
	squid, err := debserver.Program("squid", []string{"squid"}, "squid")
	if err != nil {
		return nil, fmt.Errorf("squidtest: %w", err)
	}
	if o.User != "" {
		if _, err := os.Stat(BasicAuthHelper); err != nil {
			return nil, fmt.Errorf("squidtest: %s is missing: reinstall Debian's squid package (apt-get install --reinstall squid)", BasicAuthHelper)
		}
	}
	dir, err := os.MkdirTemp("", "lumos-squid-")
	if err != nil {
		return nil, err
	}
	s := &Squid{dir: dir}
	fail := func(err error) (*Squid, error) {
		s.Stop()
		return nil, err
	}
	port, err := debserver.FreePort()
	if err != nil {
		return fail(err)
	}
	s.Addr = "127.0.0.1:" + strconv.Itoa(port)
	files := map[string]string{"squid.conf": s.config(o), "hosts": hostsFile(o.Hosts)}
	if o.User != "" {
		// basic_ncsa_auth accepts an unsalted MD5 hex digest: enough for a test proxy
		sum := md5.Sum([]byte(o.Password))
		files["passwd"] = o.User + ":" + hex.EncodeToString(sum[:]) + "\n"
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			return fail(err)
		}
	}
	for _, name := range []string{"access.log", "cache.log"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			return fail(err)
		}
	}
	var runAs *user.User
	if os.Geteuid() == 0 {
		// Squid must not run as root: proxy (Debian's), else nobody
		if runAs, err = debserver.User("", "proxy", "nobody"); err != nil {
			return fail(fmt.Errorf("squidtest: %w", err))
		}
	}
	attr, err := debserver.Unprivileged(dir, runAs)
	if err != nil {
		return fail(err)
	}
	s.cmd = exec.Command(squid, "-N", "-f", filepath.Join(dir, "squid.conf"))
	s.cmd.Dir = dir
	out, err := os.Create(filepath.Join(dir, "stderr.log"))
	if err != nil {
		return fail(err)
	}
	defer out.Close()
	s.cmd.Stdout, s.cmd.Stderr = out, out
	s.cmd.SysProcAttr = attr
	if err := s.cmd.Start(); err != nil {
		return fail(fmt.Errorf("squidtest: starting %s: %v", squid, err))
	}
	if err := s.waitReady(); err != nil {
		return fail(err)
	}
	return s, nil
}

// config is squid.conf for a proxy in s.dir listening on s.Addr.
func (s *Squid) config(o Options) string {
	d := s.dir
	var b strings.Builder
	fmt.Fprintf(&b, "http_port %s\n", s.Addr)
	for _, l := range []string{
		"pid_filename " + filepath.Join(d, "squid.pid"),
		"cache_log " + filepath.Join(d, "cache.log"),
		"access_log stdio:" + filepath.Join(d, "access.log"),
		"coredump_dir " + d,
		"hosts_file " + filepath.Join(d, "hosts"),
		"dns_nameservers 127.0.0.1",
		"dns_timeout 1 seconds", // other names fail fast
		"cache deny all",
		"memory_cache_shared off",
		"netdb_filename none",
		"pinger_enable off",
		"visible_hostname lumos-test-proxy",
		"shutdown_lifetime 0 seconds",
		"acl CONNECT method CONNECT",
	} {
		b.WriteString(l + "\n")
	}
	if len(o.Ports) > 0 {
		b.WriteString("acl tunnel_ports port")
		for _, p := range o.Ports {
			fmt.Fprintf(&b, " %d", p)
		}
		b.WriteString("\nhttp_access deny CONNECT !tunnel_ports\n")
	}
	if o.User != "" {
		fmt.Fprintf(&b, "auth_param basic program %s %s\n", BasicAuthHelper, filepath.Join(d, "passwd"))
		b.WriteString("auth_param basic realm lumos-test-proxy\nacl authenticated proxy_auth REQUIRED\nhttp_access allow authenticated\n")
	} else {
		b.WriteString("http_access allow all\n")
	}
	b.WriteString("http_access deny all\n")
	return b.String()
}

func hostsFile(hosts map[string]string) string {
	var b strings.Builder
	for name, ip := range hosts {
		fmt.Fprintf(&b, "%s %s\n", ip, name)
	}
	return b.String()
}

// waitReady waits until the proxy accepts connections.
func (s *Squid) waitReady() error {
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			s.cmd = nil
			return fmt.Errorf("squidtest: squid exited (%v) before accepting connections at %s\n%s", err, s.Addr, s.Log())
		default:
		}
		if c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("squidtest: squid did not accept connections at %s within 20 s\n%s", s.Addr, s.Log())
}

// Access returns the lines of the proxy's access log so far: one per
// request or tunnel, such as "… TCP_TUNNEL/200 … CONNECT ghes.lumos.test:8443 alice …"
// (Squid writes a tunnel's line when it closes).
func (s *Squid) Access() []string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "access.log"))
	return strings.FieldsFunc(string(b), func(r rune) bool { return r == '\n' })
}

// Log returns Squid's own log (cache.log) and what it printed.
func (s *Squid) Log() string {
	var b strings.Builder
	for _, name := range []string{"cache.log", "stderr.log"} {
		if c, err := os.ReadFile(filepath.Join(s.dir, name)); err == nil {
			b.Write(c)
		}
	}
	return b.String()
}

// Stop kills the proxy (and its helpers) and removes its folder; it may be
// called more than once.
func (s *Squid) Stop() {
	s.once.Do(func() {
		if s.cmd != nil && s.cmd.Process != nil {
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			_ = s.cmd.Process.Kill()
			time.Sleep(50 * time.Millisecond) // the helpers see their input close and exit
		}
		_ = os.RemoveAll(s.dir)
	})
}
