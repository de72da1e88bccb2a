//go:build unix

package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/internal/sigcatch"
	"github.com/lumosgo/lumos/toolkit"
)

// The signal tests run the command line in a child process (this test
// binary, re-executed) so a real signal can be sent to it. The child
// registers a connector whose list_accounts handler does what the mode
// says, prints "ready" on stderr and runs the command line given in
// signalArgsEnv (a JSON array, argv[0] included).
const (
	signalChildEnv = "LUMOS_TEST_SIGNAL_CHILD"
	signalArgsEnv  = "LUMOS_TEST_SIGNAL_ARGS"
)

// TestSignalChild is the child's body; it does nothing in a normal run.
func TestSignalChild(t *testing.T) {
	mode := os.Getenv(signalChildEnv)
	if mode == "" {
		return
	}
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "interruptible", Version: "1", Auth: toolkit.AuthToken})
	toolkit.Handle(in, toolkit.CapListAccounts, func(ctx context.Context, _ toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		fmt.Fprintln(os.Stderr, "handler started")
		switch mode {
		case "quick":
			return toolkit.ListAccountsResponse{}, nil
		case "stubborn":
			time.Sleep(time.Hour) // ignores its context
		case "self-signal":
			_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
			time.Sleep(time.Second) // the signal ends the process first
		}
		<-ctx.Done()
		return toolkit.ListAccountsResponse{}, ctx.Err()
	})
	toolkit.Register(in)
	cli.InterruptGrace = 200 * time.Millisecond
	if mode == "self-signal" {
		cli.LiteralCallGrace = time.Hour // the signal comes within the grace, whatever the machine's speed
	}
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(signalArgsEnv)), &args); err != nil {
		t.Fatal(err)
	}
	if mode == "early" {
		// As the binary does from an init function: the signal then waits
		// for the command line, which answers it first thing.
		sigcatch.Early()
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		time.Sleep(100 * time.Millisecond) // let the signal arrive
	}
	fmt.Fprintln(os.Stderr, "ready")
	os.Exit(cli.Run(args, os.Stdin, os.Stdout, os.Stderr))
}

const interruptibleRequest = `{"auth":{"token":{"token":"t"}},"request":{}}`

func TestSignalsAtAnyMoment(t *testing.T) {
	dir := t.TempDir()
	fifo := func(name string) string {
		p := filepath.Join(dir, name)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		mode    string   // the handler's behaviour (see TestSignalChild)
		args    []string // the command line; "@result" is a regular result file
		waitFor string   // the stderr line after which the signal is sent
		sig     syscall.Signal
		code    int
		appID   string // of the envelope
		inFile  bool   // the envelope is in the result file, stdout is empty
	}{
		{"at start-up", "early", []string{"interruptible-connector", "list_accounts", "--json", interruptibleRequest}, "", syscall.SIGTERM, 143, "interruptible", false},
		{"at start-up, no connector named", "early", []string{"lumos", "connectors", "list"}, "", syscall.SIGTERM, 143, "lumos", false},
		{"reading --json-file from a FIFO", "cooperative", []string{"interruptible-connector", "list_accounts", "--json-file", fifo("request.fifo")}, "ready", syscall.SIGTERM, 143, "interruptible", false},
		{"reading --json-file from stdin", "cooperative", []string{"lumos", "interruptible", "list_accounts", "--json-file", "-"}, "ready", syscall.SIGINT, 130, "interruptible", false},
		{"opening a FIFO result file", "quick", []string{"interruptible-connector", "list_accounts", "--json", interruptibleRequest, "--result-file-path", fifo("result.gz")}, "handler started", syscall.SIGTERM, 143, "interruptible", false},
		{"mid-call", "cooperative", []string{"interruptible-connector", "list_accounts", "--json", interruptibleRequest}, "handler started", syscall.SIGTERM, 143, "interruptible", false},
		{"mid-call, SIGINT", "cooperative", []string{"interruptible-connector", "list_accounts", "--json", interruptibleRequest}, "handler started", syscall.SIGINT, 130, "interruptible", false},
		{"mid-call, handler ignores its context", "stubborn", []string{"interruptible-connector", "list_accounts", "--json", interruptibleRequest}, "handler started", syscall.SIGTERM, 143, "interruptible", false},
		{"mid-call, with a result file", "cooperative", []string{"interruptible-connector", "list_accounts", "--json", interruptibleRequest, "--result-file-path", "@result"}, "handler started", syscall.SIGTERM, 143, "interruptible", true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			result := filepath.Join(dir, fmt.Sprintf("result-%d.gz", i))
			args := make([]string, len(tt.args))
			for j, a := range tt.args {
				args[j] = strings.ReplaceAll(a, "@result", result)
			}
			argsJSON, err := json.Marshal(args)
			is.NoErr(err)
			cmd := exec.Command(os.Args[0], "-test.run=^TestSignalChild$")
			cmd.Env = append(os.Environ(), signalChildEnv+"="+tt.mode, signalArgsEnv+"="+string(argsJSON))
			stdin, err := cmd.StdinPipe() // never written to: a read of it waits
			is.NoErr(err)
			defer stdin.Close()
			var stdout strings.Builder
			cmd.Stdout = &stdout
			stderr, err := cmd.StderrPipe()
			is.NoErr(err)
			is.NoErr(cmd.Start())
			lines := bufio.NewScanner(stderr)
			if tt.waitFor != "" {
				for lines.Scan() && lines.Text() != tt.waitFor {
				}
				time.Sleep(100 * time.Millisecond) // let the command reach the blocking step
				is.NoErr(cmd.Process.Signal(tt.sig))
			}
			done := make(chan error, 1)
			go func() {
				_, _ = io.Copy(io.Discard, stderr)
				done <- cmd.Wait()
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("the command did not stop after the signal")
			}
			is.Equal(cmd.ProcessState.ExitCode(), tt.code)
			out := stdout.String()
			if tt.inFile {
				is.Equal(out, "")
				out = gunzipFile(t, result) + "\n"
			}
			doc := assertOneDocument(is, out)
			var env errorEnvelope
			is.NoErr(json.Unmarshal([]byte(doc), &env))
			is.True(env.IsError)
			is.Equal(env.Error.Message, fmt.Sprintf("The call was interrupted by %s before it finished.", map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT"}[tt.sig]))
			is.Equal(env.Error.AppID, tt.appID)
		})
	}
}

// TestLiteralCallGrace checks the one moment a signal is not answered
// with a document: a plain --json call in its first milliseconds
// (cli.LiteralCallGrace, an hour here) ends the default way, killed by the
// signal with nothing on standard output, while the same call through
// --json-file, or past the grace (the mid-call cases above), answers.
func TestLiteralCallGrace(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		killed bool
	}{
		{"--json, within the grace", []string{"interruptible-connector", "list_accounts", "--json", interruptibleRequest}, true},
		{"--json=, within the grace", []string{"lumos", "interruptible", "list_accounts", "--json=" + interruptibleRequest}, true},
		{"--json-file, caught at once", []string{"interruptible-connector", "list_accounts", "--json-file", writeTemp(t, interruptibleRequest)}, false},
		{"--json with another flag, caught at once", []string{"interruptible-connector", "list_accounts", "--json", interruptibleRequest, "--compact"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			argsJSON, err := json.Marshal(tt.args)
			is.NoErr(err)
			cmd := exec.Command(os.Args[0], "-test.run=^TestSignalChild$")
			cmd.Env = append(os.Environ(), signalChildEnv+"=self-signal", signalArgsEnv+"="+string(argsJSON))
			var stdout strings.Builder
			cmd.Stdout = &stdout
			err = cmd.Run()
			ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
			is.True(ok)
			if tt.killed {
				is.True(err != nil)
				is.True(ws.Signaled())
				is.Equal(ws.Signal(), syscall.SIGTERM)
				is.Equal(stdout.String(), "")
				return
			}
			is.True(!ws.Signaled())
			is.Equal(cmd.ProcessState.ExitCode(), 143)
			var env errorEnvelope
			is.NoErr(json.Unmarshal([]byte(assertOneDocument(is, stdout.String())), &env))
			is.Equal(env.Error.Message, "The call was interrupted by SIGTERM before it finished.")
		})
	}
}

// writeTemp writes content to a new file and returns its path.
func writeTemp(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "request.json")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSignalsCaughtFirst checks, on the built binary, that catching the
// signals is the first thing lumos's packages do when the process starts.
func TestSignalsCaughtFirst(t *testing.T) {
	is := is.New(t)
	dir := lumosBinary(t)
	cmd := exec.Command(filepath.Join(dir, "lumos"), "--version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	is.NoErr(err)
	var order []string // the module's packages, in initialisation order (dependencies whose paths sort before it, such as github.com/jackc/pgx, may come first: Go initialises ready packages in import path order)
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "init" && strings.HasPrefix(f[1], "github.com/lumosgo/lumos/") {
			order = append(order, f[1])
		}
	}
	is.True(len(order) > 3)
	is.Equal(order[0], "github.com/lumosgo/lumos/internal/sigcatch")
	is.Equal(order[1], "github.com/lumosgo/lumos/internal/sigcatch/early")
}
