// Command startbench measures the start-up cost of a connector process: the
// wall time of `mock-connector validate_credentials --json ...` (the lumos
// binary invoked through a symlink; and the mock alone as compile-on-prem
// builds it, tags custom,connectors.mock,lumos_runtime) against a
// hello-world Go binary built in the same run. Runs are interleaved so machine noise hits both alike; it
// prints medians, 90th percentiles and the ratio of medians, with each
// command's median CPU time (user + system) and minor page faults, which
// machine noise disturbs far less than wall time. A "floor" build of each
// binary links the same packages but returns from main at once: it shows
// what the runtime and the package initialisers alone cost, which no change
// to the command line or the call can win back.
//
// With -instructions, each command also runs once under valgrind's
// callgrind, which counts the instructions the process executes: unlike
// wall time, that count is the same on a busy machine and an idle one, so
// its ratio to hello world shows a change that noise would hide.
//
//	go run ./scripts/startbench -n 30
//	go run ./scripts/startbench -n 30 -before HEAD~3   # the same binaries built from an earlier commit too
//	go run ./scripts/startbench -n 30 -instructions    # and instruction counts (needs valgrind)
//	go run ./scripts/startbench -n 100 -layers         # what each layer of linked packages costs
//
// With -layers it measures, instead, floor builds of a ladder of link sets,
// from the compile-on-prem build up to the full binary (see layers.go): the
// step from one line to the next is what those packages' initialisers and
// the runtime's per-binary work cost, before any command runs.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const request = `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"google.com"}}`

// floor is the main package of the floor builds: every package of the
// binary linked (cli.Run stays reachable), initialised, and nothing run.
const floor = `package main

import (
	"os"

	"github.com/lumosgo/lumos/cli"
	_ "github.com/lumosgo/lumos/connectors"
	_ "github.com/lumosgo/lumos/internal/sigcatch/early"
)

func main() {
	if len(os.Args) > 1<<20 { // never: keeps cli.Run, and all it needs, linked
		os.Exit(cli.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
	}
}
`

const hello = `package main

import "fmt"

func main() { fmt.Println("hello, world") }
`

func main() {
	runs := flag.Int("n", 30, "runs of each command (the median needs at least 20)")
	before := flag.String("before", "", "a git revision whose binaries are built and measured alongside, for before/after figures from one run")
	instructions := flag.Bool("instructions", false, "also count each command's instructions once with valgrind --tool=callgrind (deterministic, unlike wall time)")
	layers := flag.Bool("layers", false, "measure the floors of a ladder of link sets instead (see layers.go)")
	flag.Parse()
	measure := run
	if *layers {
		measure = func(runs int, _ string, instructions bool) error { return runLayers(runs, instructions) }
	}
	if err := measure(*runs, *before, *instructions); err != nil {
		fmt.Fprintln(os.Stderr, "startbench:", err)
		os.Exit(1)
	}
}

// command is one measured command line.
type command struct {
	name string
	argv []string
}

// sample is what one run of a command cost.
type sample struct {
	wall   time.Duration
	cpu    time.Duration // user + system
	faults int64         // minor page faults
}

// workspace makes the temporary folder the binaries are built in and
// builds hello world there; it returns the folder, which the caller
// removes, and the hello-world command every list of commands starts with.
func workspace() (string, command, error) {
	dir, err := os.MkdirTemp("", "startbench")
	if err != nil {
		return "", command{}, err
	}
	helloBin, err := buildHello(dir)
	if err != nil {
		os.RemoveAll(dir)
		return "", command{}, err
	}
	return dir, command{"hello-world", []string{helloBin}}, nil
}

func run(runs int, before string, instructions bool) error {
	dir, hello, err := workspace()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	commands := []command{hello}
	if before != "" {
		src := filepath.Join(dir, "before-src")
		if err := checkout(before, src); err != nil {
			return err
		}
		cmds, err := buildLumos(src, filepath.Join(dir, "before"), "before: ")
		if err != nil {
			return err
		}
		commands = append(commands, cmds...)
	}
	cmds, err := buildLumos(".", filepath.Join(dir, "now"), "")
	if err != nil {
		return err
	}
	commands = append(commands, cmds...)
	return measureAndPrint(commands, runs, instructions)
}

// measureAndPrint runs the commands interleaved, runs times each after two
// warm-up rounds, and prints each one's figures against the first.
func measureAndPrint(commands []command, runs int, instructions bool) error {
	samples := make([][]sample, len(commands))
	for i := range runs + 2 { // two warm-up rounds fill the page cache
		for c, cmd := range commands {
			s, err := timeRun(cmd.argv)
			if err != nil {
				return fmt.Errorf("%s: %w", cmd.name, err)
			}
			if i >= 2 {
				samples[c] = append(samples[c], s)
			}
		}
	}
	counts := make([]int64, len(commands))
	if instructions {
		for c, cmd := range commands {
			var err error
			if counts[c], err = countInstructions(cmd.argv); err != nil {
				return fmt.Errorf("%s: %w", cmd.name, err)
			}
		}
	}
	base := median(samples[0], func(s sample) time.Duration { return s.wall })
	fmt.Printf("%-52s %10s %10s %7s %10s %7s", "command", "median", "p90", "ratio", "cpu", "faults")
	if instructions {
		fmt.Printf(" %12s %7s", "instructions", "ratio")
	}
	fmt.Println()
	for c, cmd := range commands {
		wall := func(s sample) time.Duration { return s.wall }
		m := median(samples[c], wall)
		fmt.Printf("%-52s %10s %10s %6.2fx %10s %7d", cmd.name, m.Round(time.Microsecond),
			percentile(samples[c], 0.9, wall).Round(time.Microsecond), float64(m)/float64(base),
			median(samples[c], func(s sample) time.Duration { return s.cpu }).Round(time.Microsecond),
			median(samples[c], func(s sample) int64 { return s.faults }))
		if instructions {
			fmt.Printf(" %12d %6.2fx", counts[c], float64(counts[c])/float64(counts[0]))
		}
		fmt.Println()
	}
	fmt.Printf("runs: %d each, interleaved\n", runs)
	return nil
}

// buildHello builds the hello-world baseline.
func buildHello(dir string) (string, error) {
	helloDir := filepath.Join(dir, "hello")
	if err := os.MkdirAll(helloDir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(helloDir, "main.go"), []byte(hello), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(helloDir, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644); err != nil {
		return "", err
	}
	helloBin := filepath.Join(dir, "hello-bin")
	return helloBin, build(helloDir, helloBin, ".")
}

// buildLumos builds, from the module at src into out, the full binary and
// what compile-on-prem ships (the mock alone, without the developer
// commands), each with a mock-connector link and a floor build, and
// returns their commands.
func buildLumos(src, out, label string) ([]command, error) {
	full, onPrem := filepath.Join(out, "full"), filepath.Join(out, "onprem")
	onPremTags := []string{"-tags", "custom,connectors.mock,lumos_runtime"}
	overlay, err := floorOverlay(src, out, nil)
	if err != nil {
		return nil, err
	}
	for _, b := range []struct {
		dir  string
		tags []string
	}{{full, nil}, {onPrem, onPremTags}} {
		if err := os.MkdirAll(b.dir, 0o755); err != nil {
			return nil, err
		}
		if err := build(src, filepath.Join(b.dir, "lumos"), ".", b.tags...); err != nil {
			return nil, err
		}
		if err := build(src, filepath.Join(b.dir, "floor"), "./"+floorPkg, append(b.tags, "-overlay", overlay)...); err != nil {
			return nil, err
		}
		if err := os.Symlink(filepath.Join(b.dir, "lumos"), filepath.Join(b.dir, "mock-connector")); err != nil {
			return nil, err
		}
	}
	return []command{
		{label + "mock-connector validate_credentials", []string{filepath.Join(full, "mock-connector"), "validate_credentials", "--json", request}},
		{label + "lumos mock validate_credentials", []string{filepath.Join(full, "lumos"), "mock", "validate_credentials", "--json", request}},
		{label + "on-prem build: mock-connector ...", []string{filepath.Join(onPrem, "mock-connector"), "validate_credentials", "--json", request}},
		{label + "floor of the full binary", []string{filepath.Join(full, "floor")}},
		{label + "floor of the on-prem build", []string{filepath.Join(onPrem, "floor")}},
	}, nil
}

// floorPkg is where the floor's main package appears, through an overlay:
// nothing is written into the module.
const floorPkg = "startbench-floor"

// floorOverlay writes the floor's source, with blank imports of the
// packages extra added, and the overlay that places it in the module at
// src, and returns the overlay's path.
func floorOverlay(src, out string, extra []string) (string, error) {
	abs, err := filepath.Abs(src)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	mainGo := filepath.Join(out, "floor.go")
	source := floor
	for _, pkg := range extra {
		source = strings.Replace(source, "import (\n", "import (\n\t_ \""+pkg+"\"\n", 1)
	}
	if err := os.WriteFile(mainGo, []byte(source), 0o644); err != nil {
		return "", err
	}
	doc, err := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(abs, floorPkg, "main.go"): mainGo}})
	if err != nil {
		return "", err
	}
	overlay := filepath.Join(out, "overlay.json")
	return overlay, os.WriteFile(overlay, doc, 0o644)
}

// checkout writes the tree of the git revision rev to dir.
func checkout(rev, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	archive := exec.Command("git", "archive", "--format=tar", rev)
	extract := exec.Command("tar", "-x", "-C", dir)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return err
	}
	extract.Stdin = pipe
	archive.Stderr, extract.Stderr = os.Stderr, os.Stderr
	if err := extract.Start(); err != nil {
		return err
	}
	if err := archive.Run(); err != nil {
		return fmt.Errorf("git archive %s: %w", rev, err)
	}
	return extract.Wait()
}

func build(dir, out, pkg string, flags ...string) error {
	cmd := exec.Command("go", append(append([]string{"build"}, flags...), "-o", out, pkg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // static binaries, as shipped
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func timeRun(argv []string) (sample, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = os.TempDir() // so the connector's log folder, if any, lands outside the repository
	start := time.Now()
	out, err := cmd.Output()
	s := sample{wall: time.Since(start)}
	if err != nil {
		return s, fmt.Errorf("%v (output %q)", err, out)
	}
	s.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.faults = ru.Minflt
	}
	return s, nil
}

func median[T int64 | time.Duration](ss []sample, f func(sample) T) T {
	return percentile(ss, 0.5, f)
}

func percentile[T int64 | time.Duration](ss []sample, p float64, f func(sample) T) T {
	s := make([]T, len(ss))
	for i, x := range ss {
		s[i] = f(x)
	}
	slices.Sort(s)
	return s[int(p*float64(len(s)-1)+0.5)]
}

// countInstructions runs argv once under callgrind and returns the number
// of instructions the process executed. Asynchronous preemption is off:
// callgrind cannot follow the signal the Go runtime preempts with.
func countInstructions(argv []string) (int64, error) {
	args := append([]string{"--tool=callgrind", "--callgrind-out-file=/dev/null"}, argv...)
	cmd := exec.Command("valgrind", args...)
	cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("valgrind (Debian package valgrind): %w\n%s", err, out)
	}
	const marker = "refs:"
	i := strings.LastIndex(string(out), marker)
	if i < 0 {
		return 0, fmt.Errorf("no instruction count in valgrind's output:\n%s", out)
	}
	field := strings.Fields(string(out[i+len(marker):]))
	if len(field) == 0 {
		return 0, fmt.Errorf("no instruction count in valgrind's output:\n%s", out)
	}
	return strconv.ParseInt(strings.ReplaceAll(field[0], ",", ""), 10, 64)
}
