package serve_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// lumosBinary builds the lumos binary once per test run.
func lumosBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "lumos-serve-test-"); buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "lumos")
		out, err := exec.Command("go", "build", "-o", builtBin, "github.com/lumosgo/lumos").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return builtBin
}

// replica is a `lumos serve` process.
type replica struct {
	cmd    *exec.Cmd
	addr   string
	exited chan error
	mu     sync.Mutex
	log    strings.Builder // its standard error
}

// startReplica starts `lumos <args>` (a serve command listening on
// 127.0.0.1:0) and waits for the address it listens on.
func startReplica(tb testing.TB, args ...string) *replica {
	tb.Helper()
	return startProgram(tb, lumosBinary(tb), nil, args...)
}

// startProgram starts exe (the lumos binary, or a link to it) with env
// added to the environment, and waits for the address it listens on.
func startProgram(tb testing.TB, exe string, env []string, args ...string) *replica {
	tb.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(append(os.Environ(), "LUMOS_LOG_TO_STDOUT=true"), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	r := &replica{cmd: cmd, exited: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			r.mu.Lock()
			r.log.WriteString(line + "\n")
			r.mu.Unlock()
			var ev struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &ev) == nil && ev.Msg == "listening" {
				addr <- ev.Addr
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		r.exited <- cmd.Wait()
	}()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-r.exited:
		case <-time.After(5 * time.Second):
		}
	})
	select {
	case r.addr = <-addr:
	case err := <-r.exited:
		tb.Fatalf("lumos %s exited before listening: %v\n%s", strings.Join(args, " "), err, r.stderr())
	case <-time.After(20 * time.Second):
		tb.Fatalf("lumos %s did not listen within 20s\n%s", strings.Join(args, " "), r.stderr())
	}
	return r
}

func (r *replica) stderr() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.log.String()
}

// stop sends SIGTERM and returns the exit status.
func (r *replica) stop(tb testing.TB) error {
	tb.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatal(err)
	}
	select {
	case err := <-r.exited:
		return err
	case <-time.After(40 * time.Second):
		tb.Fatalf("the replica did not exit within 40s of SIGTERM\n%s", r.stderr())
	}
	return nil
}

// slowGitHub is the GitHub fake answering every request after delay.
func slowGitHub(tb testing.TB, delay time.Duration) *githubfake.Fake {
	f := githubfake.NewForTest(tb, githubfake.Options{Middleware: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay)
			h.ServeHTTP(w, r)
		})
	}})
	f.AddOrg("acme")
	f.AddMember("acme", "owner", "admin")
	for i := range 30 {
		f.AddMember("acme", fmt.Sprintf("member-%02d", i), "member")
	}
	f.AddToken("ghp_owner", "owner", "admin:org", "repo")
	return f
}

// githubBody is a list_accounts request against the fake.
func githubBody(f *githubfake.Fake, page string) string {
	return `{"credentials":[{"id":"token","token":{"token":"ghp_owner"}}],"settings":{"org":"acme","base_url":"` + f.URL() +
		`","include_pending_invitations":false,"include_outside_collaborators":false},"request":{}` + page + `}`
}

// TestSIGTERMDrains: calls in flight when SIGTERM arrives are answered
// whole, then the process exits 0 and refuses new connections.
func TestSIGTERMDrains(t *testing.T) {
	f := slowGitHub(t, 300*time.Millisecond)
	r := startReplica(t, "serve", "--listen", "127.0.0.1:0")
	url := "http://" + r.addr + "/connectors/github/list_accounts"
	const calls = 12
	var wg sync.WaitGroup
	results := make(chan string, calls)
	for range calls {
		wg.Go(func() {
			resp, err := http.Post(url, "application/json", strings.NewReader(githubBody(f, "")))
			if err != nil {
				results <- "error: " + err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			results <- fmt.Sprintf("%d %s", resp.StatusCode, b)
		})
	}
	time.Sleep(150 * time.Millisecond) // every call is waiting on the slow upstream
	if err := r.stop(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v (want 0)\n%s", err, r.stderr())
	}
	wg.Wait()
	close(results)
	for res := range results {
		if !strings.HasPrefix(res, "200 {\"response\":[") || !strings.HasSuffix(res, "}\n") {
			t.Errorf("a call in flight was not answered whole: %.300s", res)
		}
	}
	if _, err := http.Get("http://" + r.addr + "/healthz"); err == nil {
		t.Error("the stopped replica still accepts connections")
	}
}

// TestCommandForms starts the server each way the command line offers and
// checks each answers a call as the CLI does.
func TestCommandForms(t *testing.T) {
	bin := lumosBinary(t)
	link := filepath.Join(t.TempDir(), "mock-connector")
	if err := os.Symlink(bin, link); err != nil {
		t.Fatal(err)
	}
	body := `{` + mockAuth + `,"request":{}}`
	want, _ := cliRun(t, "mock", "validate_credentials", "--json", body)
	cases := []struct {
		name string
		exe  string
		env  []string
		args []string
		path string
	}{
		{"lumos serve", bin, nil, []string{"serve", "--listen", "127.0.0.1:0"}, "/connectors/mock/validate_credentials"},
		{"lumos serve, address from the environment", bin, []string{"LUMOS_SERVE_LISTEN=127.0.0.1:0"}, []string{"serve"}, "/connectors/mock/validate_credentials"},
		{"lumos mock serve", bin, nil, []string{"mock", "serve", "--listen", "127.0.0.1:0"}, "/validate-credentials"},
		{"mock-connector serve", link, nil, []string{"serve", "-p", strconv.Itoa(freePort(t)), "--listen", "127.0.0.1:1"}, "/validate_credentials"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			r := startProgram(t, tc.exe, tc.env, tc.args...)
			got := do(t, "POST", "http://"+r.addr+tc.path, body)
			is.Equal(got.status, 200)
			is.Equal(got.body, want)
			is.NoErr(r.stop(t)) // SIGTERM: exit 0
		})
	}
}

// TestRefusesRemoteWithoutAuth: a non-loopback address without a token
// stops the command before it listens.
func TestRefusesRemoteWithoutAuth(t *testing.T) {
	is := is.New(t)
	out, err := exec.Command(lumosBinary(t), "serve", "--listen", "0.0.0.0:0").CombinedOutput()
	var exit *exec.ExitError
	is.True(errors.As(err, &exit))
	is.Equal(exit.ExitCode(), 1)
	is.True(strings.Contains(string(out), "not a loopback address")) // says why
}
