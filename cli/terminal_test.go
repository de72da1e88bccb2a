//go:build linux || darwin

package cli_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"
	"github.com/matryer/is"
)

// runOnTerminal runs the built binary with a pseudo-terminal as its
// standard output or standard error (the other is a pipe) and returns both.
func runOnTerminal(t *testing.T, dir string, ttyStdout bool, args ...string) (term, other string, code int) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	cmd := exec.Command(filepath.Join(dir, "lumos"), args...)
	var pipe bytes.Buffer
	if ttyStdout {
		cmd.Stdout, cmd.Stderr = tty, &pipe
	} else {
		cmd.Stdout, cmd.Stderr = &pipe, tty
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var got bytes.Buffer
	_, err = io.Copy(&got, ptmx) // ends with EIO once the child has closed the terminal
	if err != nil && !errors.Is(err, os.ErrClosed) && !strings.Contains(err.Error(), "input/output error") {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	// The terminal turns each "\n" into "\r\n".
	return strings.ReplaceAll(got.String(), "\r\n", "\n"), pipe.String(), code
}

func TestTerminal(t *testing.T) {
	dir := lumosBinary(t)
	tests := []struct {
		name      string
		ttyStdout bool
		args      []string
		check     func(is *is.I, term, other string)
	}{
		{"a plain call is indented on a terminal", true, []string{"mock", "validate_credentials", "--json", validJSON},
			func(is *is.I, term, other string) {
				is.Equal(term, "{\n  \"response\": {\n    \"valid\": true,\n    \"unique_tenant_id\": \"mock-connector-tenant-id\"\n  },\n"+
					"  \"raw_data\": null,\n  \"page\": null,\n  \"execution_summary\": null\n}\n")
				is.Equal(other, "")
			}},
		{"--compact keeps the protocol's line", true, []string{"mock", "validate_credentials", "--json", validJSON, "--compact"},
			func(is *is.I, term, other string) { is.Equal(term, validOut) }},
		{"info is indented too", true, []string{"mock", "info"},
			func(is *is.I, term, other string) {
				is.True(strings.HasPrefix(term, "{\n  \""))
				is.True(strings.Contains(term, "\n  \"response\": {\n    \"app_id\": \"mock\",\n"))
			}},
		{"a drain shows progress on a terminal's stderr only", false, []string{"mock", "list_accounts", "--all", "--json", listReq(9)},
			func(is *is.I, term, other string) {
				is.Equal(len(ndjsonIDs(is, other)), 9) // stdout holds only the items
				is.True(strings.Contains(term, "\r\x1b[K1 pages, 2 items, "))
				is.True(strings.Contains(term, "4 pages, 8 items, "))
				is.True(strings.HasSuffix(term, "\r\x1b[K")) // the line is cleared at the end
			}},
		{"missing credentials get a hint on a terminal's stderr", false, []string{"mock", "list_accounts", "--json", `{"request":{},"settings":{"host":"h"}}`},
			func(is *is.I, term, other string) {
				is.True(strings.Contains(other, `"message":"Missing auth/credentials in request"`)) // the envelope keeps the protocol's message
				is.True(strings.Contains(term, "hint: Credentials: one \"basic\" credential under \"auth\""))
				is.True(strings.Contains(term, "auth.basic.password (LUMOS_MOCK_PASSWORD)"))
			}},
		{"a network failure's cause on a terminal's stderr", false, []string{"github", "validate_credentials", "--json",
			`{"request":{},"credentials":[{"id":"token","token":{"token":"hunter2-token-secret"}}],"settings":{"org":"acme","base_url":"http://` + refusedAddr(t) + `"}}`},
			func(is *is.I, term, other string) {
				is.True(strings.Contains(other, `"message":"Failed to connect to the API. Please verify the URL or try at a later time due to a potential temporary network issue."`)) // the reference message, unchanged
				is.True(strings.Contains(term, "cause: http GET http://"))
				is.True(strings.Contains(term, "connection refused"))
				is.True(strings.Contains(term, "hint: --trace"))
				is.True(!strings.Contains(term+other, "hunter2-token-secret"))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			term, other, code := runOnTerminal(t, dir, tt.ttyStdout, tt.args...)
			is.Equal(code, 0)
			tt.check(is, term, other)
		})
	}
}

// refusedAddr is a loopback address nothing listens on (a port just freed).
func refusedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
