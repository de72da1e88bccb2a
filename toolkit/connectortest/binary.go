package connectortest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// BuildLumos builds the lumos command (every connector linked, static) into
// a temporary folder and returns its path: what benchmarks run, one
// process per call, as the platform does.
func BuildLumos(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "lumos")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/lumosgo/lumos")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build of the lumos command: %v\n%s", err, out)
	}
	return bin
}

// BinaryCall is what one call through the lumos command gave.
type BinaryCall struct {
	Items     int           // entries in the response list (0 when it is not a list)
	Page      *toolkit.Page // the next page, nil after the last
	Took      time.Duration // the process's wall time
	MaxRSSKiB int64         // the process's peak resident set
	Stdout    []byte        // the whole answer
}

// RunLumos runs `bin appID capability --json request` and returns what it
// answered; it fails tb when the process fails or answers an error
// envelope.
func RunLumos(tb testing.TB, bin, appID, capability string, request any) BinaryCall {
	tb.Helper()
	doc, err := json.Marshal(request)
	if err != nil {
		tb.Fatalf("%s %s: encoding the request: %v", appID, capability, err)
	}
	var stdout bytes.Buffer
	cmd := exec.Command(bin, appID, capability, "--json", string(doc))
	cmd.Stdout = &stdout
	start := time.Now()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %s: %v", appID, capability, err)
	}
	call := BinaryCall{Took: time.Since(start), Stdout: stdout.Bytes()}
	var env struct {
		Response json.RawMessage `json:"response"`
		Page     *toolkit.Page   `json:"page"`
		IsError  bool            `json:"is_error"`
	}
	if err := json.Unmarshal(call.Stdout, &env); err != nil || env.IsError {
		tb.Fatalf("%s %s: %v %s", appID, capability, err, call.Stdout)
	}
	var list []json.RawMessage
	if json.Unmarshal(env.Response, &list) == nil {
		call.Items = len(list)
	}
	call.Page = env.Page
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		call.MaxRSSKiB = ru.Maxrss
	}
	return call
}
