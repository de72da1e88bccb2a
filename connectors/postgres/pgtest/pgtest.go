// Package pgtest starts a real PostgreSQL server for the postgres
// connector's tests and benchmark: Debian's PostgreSQL binaries (initdb,
// postgres), a fresh cluster in a temporary directory, run as an
// unprivileged user when the test runs as root, listening on a free
// loopback port with password (SCRAM) authentication, stopped at the end.
//
// When the binaries are missing, Start installs Debian's postgresql
// package with apt-get if the test runs as root, and otherwise fails the
// test with a message naming the package to install.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lumosgo/lumos/toolkit/connectortest/debserver"
)

// Superuser and SuperPassword are the bootstrap superuser of every cluster
// Start makes and its password.
const (
	Superuser     = "postgres"
	SuperPassword = "pgtest-superuser-password-8c1f"
)

// RunAsUser is the unprivileged system user the server runs as when the
// tests run as root and no "postgres" user exists (it is created then).
const RunAsUser = "lumos-pgtest"

// Server is a running PostgreSQL server.
type Server struct {
	Host    string // 127.0.0.1
	Port    int    // the loopback port it listens on
	Dir     string // the temporary directory holding the cluster, its socket and log
	Version string // the server's major version, from the binaries' directory ("" when found on PATH)

	cmd  *exec.Cmd
	done chan error
}

// Start makes a new cluster and starts it; it is stopped and removed when
// tb ends. A server that cannot be found, installed or started fails tb.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := start()
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(s.Stop)
	return s
}

var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error
)

// Shared returns the package's one server, starting it on first use; a
// test binary that uses it calls StopShared from TestMain after m.Run.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	sharedOnce.Do(func() { shared, sharedErr = start() })
	if sharedErr != nil {
		tb.Fatalf("pgtest: %v", sharedErr)
	}
	return shared
}

// StopShared stops the shared server, if one was started.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}

// Connect opens a superuser connection to database db; it is closed when
// tb ends.
func (s *Server) Connect(tb testing.TB, db string) *pgx.Conn {
	tb.Helper()
	conn, err := s.connect(context.Background(), Superuser, SuperPassword, db)
	if err != nil {
		tb.Fatalf("pgtest: connecting to %q: %v", db, err)
	}
	tb.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// Exec runs statements (one or more, separated by semicolons, no
// parameters) in database db as the superuser and fails tb on an error.
func (s *Server) Exec(tb testing.TB, db string, sql string) {
	tb.Helper()
	conn, err := s.connect(context.Background(), Superuser, SuperPassword, db)
	if err != nil {
		tb.Fatalf("pgtest: connecting to %q: %v", db, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql, pgx.QueryExecModeSimpleProtocol); err != nil {
		tb.Fatalf("pgtest: %v\nin: %s", err, sql)
	}
}

func (s *Server) connect(ctx context.Context, user, password, db string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d dbname='%s' user='%s' sslmode=disable", s.Host, s.Port,
		strings.ReplaceAll(db, "'", `\'`), strings.ReplaceAll(user, "'", `\'`)))
	if err != nil {
		return nil, err
	}
	cfg.Password = password
	return pgx.ConnectConfig(ctx, cfg)
}

// Stop stops the server (a fast shutdown, then a kill after 15 s) and
// removes its directory.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		s.cmd = nil
	}
	if s.Dir != "" {
		_ = os.RemoveAll(s.Dir)
		s.Dir = ""
	}
}

// binDir finds the directory holding initdb and postgres: the newest
// /usr/lib/postgresql/<version>/bin (Debian), else PATH.
func binDir() (dir, version string) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "postgres")) {
			return d, filepath.Base(filepath.Dir(d))
		}
	}
	initdb, err1 := exec.LookPath("initdb")
	pg, err2 := exec.LookPath("postgres")
	if err1 == nil && err2 == nil && filepath.Dir(initdb) == filepath.Dir(pg) {
		return filepath.Dir(pg), ""
	}
	return "", ""
}

func versionOf(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

var installOnce sync.Once

// findOrInstall returns the binaries' directory, installing Debian's
// postgresql package first when they are missing and the test runs as root.
func findOrInstall() (string, string, error) {
	if d, v := binDir(); d != "" {
		return d, v, nil
	}
	if os.Geteuid() != 0 {
		return "", "", errors.New("PostgreSQL's initdb and postgres were not found (looked in /usr/lib/postgresql/*/bin and PATH): install Debian's postgresql package (apt-get install postgresql) and run the tests again")
	}
	var err error
	installOnce.Do(func() { err = debserver.Install([]string{"postgresql"}, "postgresql") })
	if err != nil {
		return "", "", fmt.Errorf("PostgreSQL's initdb and postgres were not found: %w", err)
	}
	if d, v := binDir(); d != "" {
		return d, v, nil
	}
	return "", "", errors.New("PostgreSQL's initdb and postgres are still missing after apt-get install postgresql")
}

// runAs is the user the server runs as: none (nil) unless the test runs as
// root, then "postgres" when it exists, else RunAsUser (created with useradd).
func runAs() (*user.User, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := debserver.User(RunAsUser, "postgres")
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL refuses to run as root: %w", err)
	}
	return u, nil
}

func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}

// start makes the cluster and starts the server.
func start() (*Server, error) { return startWith(nil) }

// startWith makes the cluster and starts the server; extra, when set, is
// called once the directory exists and returns more postgres arguments
// (files it writes there, named in owned, are given to the run-as user).
func startWith(extra func(*Server) ([]string, error), owned ...string) (*Server, error) {
	bin, version, err := findOrInstall()
	if err != nil {
		return nil, err
	}
	u, err := runAs()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lumos-pgtest-")
	if err != nil {
		return nil, err
	}
	s := &Server{Host: "127.0.0.1", Dir: dir, Version: version}
	if err := s.initdb(bin, u); err != nil {
		s.Stop()
		return nil, err
	}
	var args []string
	if extra != nil {
		if args, err = extra(s); err == nil {
			for _, f := range owned {
				if err = chown(u, filepath.Join(s.Dir, f)); err != nil {
					break
				}
			}
		}
		if err != nil {
			s.Stop()
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		err = s.run(bin, u, args)
		if err == nil || attempt == 2 {
			break
		}
	}
	if err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// initdb makes the cluster: UTF-8, SCRAM passwords over TCP, trust on the
// socket (which only the run-as user can reach).
func (s *Server) initdb(bin string, u *user.User) error {
	pwfile := filepath.Join(s.Dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(SuperPassword+"\n"), 0o600); err != nil {
		return err
	}
	if err := chown(u, s.Dir, pwfile); err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(bin, "initdb"), "-D", filepath.Join(s.Dir, "data"), "-U", Superuser, "--pwfile", pwfile,
		"--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	cmd.Dir = s.Dir
	asUser(cmd, u)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb failed: %v: %s", err, tail(out))
	}
	return os.Remove(pwfile)
}

// run starts postgres on a free port and waits until it accepts connections.
func (s *Server) run(bin string, u *user.User, extra []string) error {
	port, err := debserver.FreePort()
	if err != nil {
		return err
	}
	s.Port = port
	logPath := filepath.Join(s.Dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", filepath.Join(s.Dir, "data"), "-k", s.Dir,
		"-h", s.Host, "-p", strconv.Itoa(port), "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=100", "-c", "shared_buffers=32MB")
	cmd.Args = append(cmd.Args, extra...)
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	asUser(cmd, u)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting postgres: %v", err)
	}
	s.cmd, s.done = cmd, make(chan error, 1)
	go func() { s.done <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.cmd = nil
			out, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres exited (%v): %s", err, tail(out))
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := s.connect(ctx, Superuser, SuperPassword, "postgres")
		cancel()
		if err == nil {
			_ = conn.Close(context.Background())
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	out, _ := os.ReadFile(logPath)
	return fmt.Errorf("postgres did not accept connections within 60 s: %s", tail(out))
}

// ReadLog returns what the server has logged so far.
func ReadLog(tb testing.TB, s *Server) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(s.Dir, "postgres.log"))
	if err != nil {
		tb.Fatalf("pgtest: reading the server log: %v", err)
	}
	return string(b)
}
