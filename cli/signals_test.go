package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/toolkit"
)

// The signal tests run the command line in a child process (this test
// binary, re-executed) so a real signal can be sent to it. The child
// registers a connector whose handler blocks.
const signalChildEnv = "LUMOS_TEST_SIGNAL_CHILD"

// TestSignalChild is the child's body; it does nothing in a normal run.
func TestSignalChild(t *testing.T) {
	mode := os.Getenv(signalChildEnv)
	if mode == "" {
		return
	}
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "interruptible", Version: "1", Auth: toolkit.AuthToken})
	toolkit.Handle(in, toolkit.CapListAccounts, func(ctx context.Context, _ toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		fmt.Fprintln(os.Stderr, "handler started")
		if mode == "stubborn" {
			time.Sleep(time.Hour) // ignores its context
		}
		<-ctx.Done()
		return toolkit.ListAccountsResponse{}, ctx.Err()
	})
	toolkit.Register(in)
	cli.InterruptGrace = 200 * time.Millisecond
	os.Exit(cli.Run([]string{"interruptible-connector", "list_accounts", "--json", `{"auth":{"token":{"token":"t"}},"request":{}}`},
		os.Stdin, os.Stdout, os.Stderr))
}

func TestSignalsStopTheCall(t *testing.T) {
	tests := []struct {
		mode    string
		sig     syscall.Signal
		code    int
		message string
	}{
		{"cooperative", syscall.SIGTERM, 143, "The call was interrupted by SIGTERM before it finished."},
		{"cooperative", syscall.SIGINT, 130, "The call was interrupted by SIGINT before it finished."},
		{"stubborn", syscall.SIGTERM, 143, "The call was interrupted by SIGTERM before it finished."},
	}
	for _, tt := range tests {
		t.Run(tt.mode+"/"+tt.sig.String(), func(t *testing.T) {
			is := is.New(t)
			cmd := exec.Command(os.Args[0], "-test.run=^TestSignalChild$")
			cmd.Env = append(os.Environ(), signalChildEnv+"="+tt.mode)
			var stdout strings.Builder
			cmd.Stdout = &stdout
			stderr, err := cmd.StderrPipe()
			is.NoErr(err)
			is.NoErr(cmd.Start())
			lines := bufio.NewScanner(stderr)
			for lines.Scan() && lines.Text() != "handler started" {
			}
			is.NoErr(cmd.Process.Signal(tt.sig))
			done := make(chan error, 1)
			go func() {
				for lines.Scan() { // drain the rest of stderr
				}
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
			is.Equal(strings.Count(out, "\n"), 1) // exactly one document
			var env struct {
				IsError bool `json:"is_error"`
				Error   struct {
					Message   string `json:"message"`
					ErrorCode string `json:"error_code"`
				} `json:"error"`
			}
			is.NoErr(json.Unmarshal([]byte(out), &env))
			is.True(env.IsError)
			is.Equal(env.Error.Message, tt.message)
		})
	}
}
