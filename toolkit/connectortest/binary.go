package connectortest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// BuildLumos builds the lumos command (every connector linked, static) into
// a temporary folder and returns its path: what benchmarks run, one
// process per call, as the platform does. Beside it goes the small
// program RunLumos measures each call through (see RunLumos).
func BuildLumos(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	bin := filepath.Join(dir, "lumos")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/lumosgo/lumos")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build of the lumos command: %v\n%s", err, out)
	}
	buildMeter(tb, dir)
	return bin
}

// meterName is the measuring program's file name, beside the binary.
const meterName = "lumos-meter"

// meterSource is the measuring program: it runs its arguments as a child
// process, with its own standard streams, and writes to file descriptor 3
// the child's wall time in nanoseconds, its peak resident set in KiB and
// its CPU time (user and system) in nanoseconds.
// A process started straight from the test would report the test
// process's resident set instead: Linux carries the resident set of the
// memory a child shares with its parent until exec (Go starts children
// with vfork) into the child's ru_maxrss. The meter is small, so what it
// carries over is about 2 MB, below any lumos call.
const meterSource = `package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, "lumos-meter:", err)
		os.Exit(127)
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru == nil {
		ru = &syscall.Rusage{}
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	fmt.Fprintf(os.NewFile(3, "report"), "%d %d %d\n", took.Nanoseconds(), ru.Maxrss, cpu.Nanoseconds())
	os.Exit(cmd.ProcessState.ExitCode())
}
`

// buildMeter builds the measuring program into dir.
func buildMeter(tb testing.TB, dir string) {
	tb.Helper()
	src := filepath.Join(dir, "meter")
	if err := os.MkdirAll(src, 0o755); err != nil {
		tb.Fatal(err)
	}
	for name, content := range map[string]string{"main.go": meterSource, "go.mod": "module lumosmeter\n\ngo 1.22\n"} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, meterName), ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build of the measuring program: %v\n%s", err, out)
	}
}

// Measured is what one process printed and cost.
type Measured struct {
	Stdout    []byte        // its standard output
	Took      time.Duration // its wall time, from its start to its end
	CPU       time.Duration // its CPU time, user and system
	MaxRSSKiB int64         // its peak resident set
}

// Measure runs argv (any command: a baseline such as ldapsearch too) and
// returns its output, wall time and peak resident set; it fails tb when
// the command fails. lumosBin is a binary BuildLumos built: the process is
// started by the small measuring program beside it, so that its peak
// resident set is its own (see meterSource), and its wall time is taken
// there, from its start to its end, without the measuring program's own
// start.
func Measure(tb testing.TB, lumosBin string, argv ...string) Measured {
	tb.Helper()
	meter := filepath.Join(filepath.Dir(lumosBin), meterName)
	if _, err := os.Stat(meter); err != nil {
		tb.Fatalf("Measure needs a binary built by BuildLumos (the measuring program beside it): %v", err)
	}
	report, reportW, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	defer report.Close()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(meter, argv...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.ExtraFiles = []*os.File{reportW}
	err = cmd.Run()
	_ = reportW.Close()
	if err != nil {
		tb.Fatalf("%s: %v\n%s", filepath.Base(argv[0]), err, stderr.Bytes())
	}
	var m Measured
	var tookNS, cpuNS int64
	if _, err := fmt.Fscan(report, &tookNS, &m.MaxRSSKiB, &cpuNS); err != nil {
		tb.Fatalf("%s: no report from the measuring program: %v", filepath.Base(argv[0]), err)
	}
	m.Took, m.CPU, m.Stdout = time.Duration(tookNS), time.Duration(cpuNS), stdout.Bytes()
	return m
}

// BinaryCall is what one call through the lumos command gave.
type BinaryCall struct {
	Items     int           // entries in the response list (0 when it is not a list)
	Page      *toolkit.Page // the next page, nil after the last
	Took      time.Duration // the process's wall time, from its start to its end
	CPU       time.Duration // the process's CPU time, user and system
	MaxRSSKiB int64         // the process's peak resident set
	Stdout    []byte        // the whole answer
}

// RunLumos runs `bin appID capability --json request`, bin as BuildLumos
// built it, and returns what it answered and what it cost (see Measure);
// it fails tb when the process fails or answers an error envelope.
func RunLumos(tb testing.TB, bin, appID, capability string, request any) BinaryCall {
	tb.Helper()
	doc, err := json.Marshal(request)
	if err != nil {
		tb.Fatalf("%s %s: encoding the request: %v", appID, capability, err)
	}
	m := Measure(tb, bin, bin, appID, capability, "--json", string(doc))
	call := BinaryCall{Took: m.Took, CPU: m.CPU, MaxRSSKiB: m.MaxRSSKiB, Stdout: m.Stdout}
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
	return call
}
