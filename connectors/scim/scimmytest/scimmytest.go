// Package scimmytest starts a real SCIM 2.0 server written by someone else —
// SCIMMY (npm scimmy and scimmy-routers, on express) with a small in-memory
// store of Users and Groups of our own in server/server.mjs — on loopback for
// a test, and seeds it with deterministic users and groups through the SCIM
// API itself.
//
// It needs Node.js and npm on PATH. The pinned packages are installed into
// server/node_modules with `npm ci` when they are missing (CI installs them
// before the tests); a machine without Node.js fails the test with a message
// saying so, it never skips.
package scimmytest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	// installTimeout bounds `npm ci`.
	installTimeout = 5 * time.Minute
	// startTimeout bounds the wait for the server to print its port.
	startTimeout = 30 * time.Second
	// readyTimeout bounds the wait for the server to answer its first request.
	readyTimeout = 10 * time.Second
	// outputTail is how much of the server's stderr is kept for failure messages.
	outputTail = 16 << 10
)

// Start starts a SCIMMY server on 127.0.0.1 at a free port, waits until it
// answers, and stops it (its whole process group) when the test ends. It
// returns the SCIM root, e.g. http://127.0.0.1:PORT/scim/v2, and the bearer
// token every request must carry (random for each server). The server starts
// empty; Seed fills it. Any failure (no node or npm, a failed install, a
// server that does not come up in time) fails the test with t.Fatal.
func Start(t testing.TB) (baseURL, token string) {
	t.Helper()
	dir := serverDir(t)
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("scimmytest: Node.js is needed to run the SCIMMY server and `node` is not on PATH (%v); install Node.js 18 or later with npm (Debian: apt-get install nodejs npm)", err)
	}
	ensureInstalled(t, dir)
	token = randomToken(t)

	out := &portWriter{ready: make(chan string, 1)}
	errs := &tailBuffer{max: outputTail}
	cmd := exec.Command(node, "server.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SCIMMY_TOKEN="+token, "SCIMMY_PORT=0")
	cmd.Stdout = out
	cmd.Stderr = errs
	cmd.WaitDelay = 5 * time.Second
	newGroup(cmd)
	// The server exits when this pipe closes, even if this process dies
	// before its cleanup runs.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatalf("scimmytest: stdin pipe: %v", err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("scimmytest: starting %s server.mjs: %v", node, err)
	}
	t.Cleanup(func() {
		_ = stdin.Close()
		killGroup(cmd)
		_ = cmd.Wait()
		if t.Failed() && errs.String() != "" {
			t.Logf("scimmytest: SCIMMY server stderr:\n%s", errs.String())
		}
	})

	var port int
	select {
	case line := <-out.ready:
		port, err = strconv.Atoi(strings.TrimSpace(line))
		if err != nil || port <= 0 {
			t.Fatalf("scimmytest: the server's first line is not a port: %q\nstderr:\n%s", line, errs.String())
		}
	case <-time.After(startTimeout):
		t.Fatalf("scimmytest: the SCIMMY server printed no port within %s\nstderr:\n%s", startTimeout, errs.String())
	}
	baseURL = fmt.Sprintf("http://127.0.0.1:%d/scim/v2", port)
	waitReady(t, baseURL, token, errs)
	return baseURL, token
}

// serverDir is the folder of the Node program, next to this source file.
func serverDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("scimmytest: cannot locate the package's source folder")
	}
	dir := filepath.Join(filepath.Dir(file), "server")
	if _, err := os.Stat(filepath.Join(dir, "server.mjs")); err != nil {
		t.Fatalf("scimmytest: the SCIMMY server program is missing: %v", err)
	}
	return dir
}

// ensureInstalled runs `npm ci` in dir unless node_modules already holds
// every dependency of package.json at its pinned version.
func ensureInstalled(t testing.TB, dir string) {
	t.Helper()
	if missing := missingPackages(dir); len(missing) == 0 {
		return
	}
	unlock, err := lockInstall(filepath.Join(dir, ".install.lock"))
	if err != nil {
		t.Fatalf("scimmytest: locking the install folder: %v", err)
	}
	defer unlock()
	missing := missingPackages(dir) // another test binary may have installed them meanwhile
	if len(missing) == 0 {
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("scimmytest: the SCIMMY server's packages are not installed (%s) and `npm` is not on PATH (%v); install npm, or run `npm ci` in %s", strings.Join(missing, ", "), err, dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--prefer-offline", "--no-audit", "--no-fund")
	cmd.Dir = dir
	output, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("scimmytest: `npm ci` in %s failed (%v) while installing %s:\n%s", dir, err, strings.Join(missing, ", "), output)
	}
	if missing := missingPackages(dir); len(missing) > 0 {
		t.Fatalf("scimmytest: `npm ci` in %s succeeded but these are still missing: %s", dir, strings.Join(missing, ", "))
	}
}

// missingPackages lists the dependencies of dir/package.json that
// node_modules lacks or holds at another version, as name@version.
func missingPackages(dir string) []string {
	var manifest struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil || json.Unmarshal(raw, &manifest) != nil || len(manifest.Dependencies) == 0 {
		return []string{"package.json (unreadable)"}
	}
	var missing []string
	for name, want := range manifest.Dependencies {
		var installed struct {
			Version string `json:"version"`
		}
		raw, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json"))
		if err != nil || json.Unmarshal(raw, &installed) != nil || installed.Version != want {
			missing = append(missing, name+"@"+want)
		}
	}
	sort.Strings(missing)
	return missing
}

// waitReady polls the ServiceProviderConfig until it answers 200.
func waitReady(t testing.TB, baseURL, token string, errs *tailBuffer) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(readyTimeout)
	var last string
	for time.Now().Before(deadline) {
		req, err := http.NewRequest(http.MethodGet, baseURL+"/ServiceProviderConfig", nil)
		if err != nil {
			t.Fatalf("scimmytest: %v", err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("scimmytest: the SCIMMY server at %s was not ready within %s (last: %s)\nstderr:\n%s", baseURL, readyTimeout, last, errs.String())
}

// randomToken is a fresh bearer token.
func randomToken(t testing.TB) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("scimmytest: %v", err)
	}
	return "scimmy-" + hex.EncodeToString(b)
}

// portWriter receives the server's stdout and hands its first line to ready.
type portWriter struct {
	mu    sync.Mutex
	line  []byte
	sent  bool
	ready chan string
}

// Write takes stdout; only the first line is kept.
func (w *portWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent {
		return len(p), nil
	}
	w.line = append(w.line, p...)
	if i := bytes.IndexByte(w.line, '\n'); i >= 0 {
		w.sent = true
		w.ready <- string(w.line[:i])
	}
	return len(p), nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

// Write appends p, dropping the oldest bytes past max.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) > b.max {
		b.buf = b.buf[len(b.buf)-b.max:]
	}
	return len(p), nil
}

// String is what is kept.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
