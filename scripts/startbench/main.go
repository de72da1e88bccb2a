// Command startbench measures the start-up cost of a connector process: the
// wall time of `mock-connector validate_credentials --json ...` (the lumos
// binary invoked through a symlink; and the mock alone as compile-on-prem
// builds it, tags custom,connectors.mock,lumos_runtime) against a
// hello-world Go binary built in the same run. Runs are interleaved so machine noise hits both alike; it
// prints medians, 90th percentiles and the ratio of medians.
//
//	go run ./scripts/startbench -n 30
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"
)

const request = `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"google.com"}}`

const hello = `package main

import "fmt"

func main() { fmt.Println("hello, world") }
`

func main() {
	runs := flag.Int("n", 30, "runs of each command (the median needs at least 20)")
	flag.Parse()
	if err := run(*runs); err != nil {
		fmt.Fprintln(os.Stderr, "startbench:", err)
		os.Exit(1)
	}
}

func run(runs int) error {
	dir, err := os.MkdirTemp("", "startbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	lumos := filepath.Join(dir, "lumos")
	if err := build(".", lumos, "."); err != nil {
		return err
	}
	// What compile-on-prem ships: the mock alone, without the developer commands.
	onPremDir := filepath.Join(dir, "onprem")
	if err := os.MkdirAll(onPremDir, 0o755); err != nil {
		return err
	}
	if err := build(".", filepath.Join(onPremDir, "lumos"), ".", "-tags", "custom,connectors.mock,lumos_runtime"); err != nil {
		return err
	}
	onPremLink := filepath.Join(onPremDir, "mock-connector")
	if err := os.Symlink(filepath.Join(onPremDir, "lumos"), onPremLink); err != nil {
		return err
	}
	helloDir := filepath.Join(dir, "hello")
	if err := os.MkdirAll(helloDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(helloDir, "main.go"), []byte(hello), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(helloDir, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644); err != nil {
		return err
	}
	helloBin := filepath.Join(dir, "hello-bin")
	if err := build(helloDir, helloBin, "."); err != nil {
		return err
	}
	link := filepath.Join(dir, "mock-connector")
	if err := os.Symlink(lumos, link); err != nil {
		return err
	}
	commands := []struct {
		name string
		argv []string
	}{
		{"hello-world", []string{helloBin}},
		{"mock-connector validate_credentials", []string{link, "validate_credentials", "--json", request}},
		{"lumos mock validate_credentials", []string{lumos, "mock", "validate_credentials", "--json", request}},
		{"on-prem build: mock-connector ...", []string{onPremLink, "validate_credentials", "--json", request}},
	}
	times := make([][]time.Duration, len(commands))
	for i := range runs + 2 { // two warm-up rounds fill the page cache
		for c, cmd := range commands {
			d, err := timeRun(cmd.argv)
			if err != nil {
				return fmt.Errorf("%s: %w", cmd.name, err)
			}
			if i >= 2 {
				times[c] = append(times[c], d)
			}
		}
	}
	base := median(times[0])
	fmt.Printf("%-40s %12s %12s %8s\n", "command", "median", "p90", "ratio")
	for c, cmd := range commands {
		m := median(times[c])
		fmt.Printf("%-40s %12s %12s %7.2fx\n", cmd.name, m.Round(time.Microsecond), percentile(times[c], 0.9).Round(time.Microsecond),
			float64(m)/float64(base))
	}
	fmt.Printf("runs: %d each, interleaved\n", runs)
	return nil
}

func build(dir, out, pkg string, flags ...string) error {
	cmd := exec.Command("go", append(append([]string{"build"}, flags...), "-o", out, pkg)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // static binaries, as shipped
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func timeRun(argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = os.TempDir() // so the connector's log folder, if any, lands outside the repository
	start := time.Now()
	out, err := cmd.Output()
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%v (output %q)", err, out)
	}
	return d, nil
}

func median(ds []time.Duration) time.Duration { return percentile(ds, 0.5) }

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1)+0.5)]
}
