package serve_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/internal/serve"
	"github.com/lumosgo/lumos/toolkit/connectortest/debserver"
)

// keepAliveClient is an HTTP client keeping up to n connections open.
func keepAliveClient(n int) *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConns: n, MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
}

func post(c *http.Client, url, body string) (int, string, error) {
	resp, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestConcurrentLoad: 64 clients over keep-alive connections, against the
// mock and the GitHub fake; every answer is the whole envelope the same
// request gets alone.
func TestConcurrentLoad(t *testing.T) {
	is := is.New(t)
	f := slowGitHub(t, 0)
	url, _ := newServer(t, serve.Config{})
	calls := []struct{ path, body string }{
		{"/connectors/mock/validate_credentials", `{` + mockAuth + `,"request":{}}`},
		{"/connectors/mock/list_accounts", `{` + mockAuth + `,"request":{},"page":{"size":100}}`},
		{"/connectors/mock/list_accounts", `{` + mockAuth + `,"request":{},"page":{"size":5}}`},
		{"/connectors/github/list_accounts", githubBody(f, "")},
		{"/connectors/github/validate_credentials", githubBody(f, "")},
	}
	client := keepAliveClient(64)
	want := make([]string, len(calls))
	for i, c := range calls {
		status, body, err := post(client, url+c.path, c.body)
		is.NoErr(err)
		is.Equal(status, 200)
		assertEnvelope(is, body)
		want[i] = body
	}
	const clients, each = 64, 30
	var wg sync.WaitGroup
	var bad atomic.Int32
	for g := range clients {
		wg.Go(func() {
			for n := range each {
				i := (g + n) % len(calls)
				status, body, err := post(client, url+calls[i].path, calls[i].body)
				if err != nil || status != 200 || body != want[i] {
					if bad.Add(1) <= 3 {
						t.Errorf("%s: status %d, err %v, body %.200q", calls[i].path, status, err, body)
					}
				}
			}
		})
	}
	wg.Wait()
	is.Equal(bad.Load(), int32(0)) // every answer whole and unmixed
}

// haproxyBinary finds HAProxy, installing Debian's package when running as
// root without it.
func haproxyBinary(t *testing.T) string {
	return debianTool(t, "haproxy", "haproxy")
}

// debianTool finds a program under any of its names, or installs its
// Debian package when running as root, or fails saying what to install.
func debianTool(t *testing.T, pkg string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := debserver.Look(n); err == nil {
			return p
		}
	}
	p, err := debserver.Program(names[0], []string{pkg})
	if err != nil {
		t.Fatalf("this test needs %s: %v", names[0], err)
	}
	return p
}

func freePort(t *testing.T) int {
	port, err := debserver.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// TestReplicasBehindHAProxy: three replicas behind HAProxy, one stopped
// with SIGTERM mid-load. Every request HAProxy accepted is answered whole,
// and every listing, drained page by page across the replicas, has each
// account exactly once.
func TestReplicasBehindHAProxy(t *testing.T) {
	is := is.New(t)
	bin := haproxyBinary(t)
	var replicas []*replica
	var servers strings.Builder
	for i := range 3 {
		r := startReplica(t, "serve", "--listen", "127.0.0.1:0", "--no-access-log", "--drain-timeout", "20s")
		replicas = append(replicas, r)
		fmt.Fprintf(&servers, "  server r%d %s check inter 200ms fall 1 rise 2\n", i, r.addr)
	}
	port := freePort(t)
	dir := t.TempDir()
	cfg := `global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response
frontend fe
  bind 127.0.0.1:` + strconv.Itoa(port) + `
  default_backend be
backend be
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
` + servers.String()
	is.NoErr(os.WriteFile(filepath.Join(dir, "haproxy.cfg"), []byte(cfg), 0o600))
	hp := exec.Command(bin, "-db", "-f", filepath.Join(dir, "haproxy.cfg"))
	hpOut := &strings.Builder{}
	hp.Stdout, hp.Stderr = hpOut, hpOut
	is.NoErr(hp.Start())
	t.Cleanup(func() { _ = hp.Process.Kill(); _ = hp.Wait() })
	front := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(15 * time.Second)
	for {
		if resp, err := http.Get(front + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("HAProxy did not answer within 15s:\n%s", hpOut)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The whole listing, from one call, to compare every drain with.
	client := keepAliveClient(32)
	status, body, err := post(client, front+"/connectors/mock/list_accounts", `{`+mockAuth+`,"request":{},"page":{"size":1000}}`)
	is.NoErr(err)
	is.Equal(status, 200)
	all := accountIDs(t, body)
	is.True(len(all) >= 50)

	const drainers, drains = 24, 6
	var wg sync.WaitGroup
	var problems atomic.Int32
	var answered atomic.Int64
	report := func(format string, args ...any) {
		if problems.Add(1) <= 5 {
			t.Errorf(format, args...)
		}
	}
	for range drainers {
		wg.Go(func() {
			for range drains {
				seen := map[string]bool{}
				token := ""
				for pages := 0; ; pages++ {
					page := `,"page":{"size":7}`
					if token != "" {
						page = `,"page":{"size":7,"token":"` + token + `"}`
					}
					status, body, err := post(client, front+"/connectors/mock/list_accounts", `{`+mockAuth+`,"request":{}`+page+`}`)
					if err != nil || status != 200 || !strings.HasSuffix(body, "}\n") {
						report("a page was not answered whole: status %d, err %v, body %.200q", status, err, body)
						return
					}
					answered.Add(1)
					var env struct {
						Page *struct{ Token string } `json:"page"`
					}
					if err := json.Unmarshal([]byte(body), &env); err != nil {
						report("not one JSON document: %v", err)
						return
					}
					for _, id := range accountIDs(t, body) {
						if seen[id] {
							report("account %s listed twice in one drain", id)
						}
						seen[id] = true
					}
					if env.Page == nil || env.Page.Token == "" {
						break
					}
					token = env.Page.Token
				}
				if len(seen) != len(all) {
					report("a drain listed %d accounts; the listing has %d", len(seen), len(all))
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- replicas[1].stop(t) }()
	wg.Wait()
	if err := <-stopped; err != nil {
		t.Errorf("the replica stopped with SIGTERM exited with %v, want 0\n%s", err, replicas[1].stderr())
	}
	is.Equal(problems.Load(), int32(0))
	t.Logf("%d pages answered through HAProxy", answered.Load())
}

// accountIDs are the integration_specific_ids of a list_accounts envelope.
func accountIDs(t *testing.T, body string) []string {
	var env struct {
		Response []struct {
			ID string `json:"integration_specific_id"`
		} `json:"response"`
	}
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Errorf("list_accounts answer is not JSON: %v", err)
	}
	ids := make([]string, len(env.Response))
	for i, a := range env.Response {
		ids[i] = a.ID
	}
	return ids
}
