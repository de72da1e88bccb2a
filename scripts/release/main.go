// Command release builds lumos's release binaries: static executables
// (CGO_ENABLED=0, -trimpath, the version stamped in) for linux, darwin and
// windows on amd64 and arm64, and a SHA256SUMS file over them in the
// format `sha256sum -c` checks.
//
//	go run ./scripts/release -version v0.4.0            # every target into dist/
//	go run ./scripts/release -version v0.4.0 -targets linux/amd64,darwin/arm64 -o /tmp/out
//	go run ./scripts/release -version v0.4.0 -n         # print the plan, build nothing
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Targets are the systems a release is built for, as GOOS/GOARCH.
var Targets = []string{
	"linux/amd64", "linux/arm64",
	"darwin/amd64", "darwin/arm64",
	"windows/amd64", "windows/arm64",
}

// build is one `go build` of the plan.
type build struct {
	GOOS, GOARCH string
	Output       string   // the file's name in the output folder
	Args         []string // the arguments after `go`
	Env          []string // added to the environment
}

// plan lists the builds of a release of version for targets, writing into dir.
func plan(version, dir string, targets []string) ([]build, error) {
	if version == "" || strings.ContainsAny(version, " \t'\"") {
		return nil, fmt.Errorf("a release needs a -version without spaces or quotes, e.g. v0.4.0")
	}
	var builds []build
	seen := map[string]bool{}
	for _, t := range targets {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(t), "/")
		if !ok || goos == "" || goarch == "" {
			return nil, fmt.Errorf("target %q is not GOOS/GOARCH", t)
		}
		if seen[goos+"/"+goarch] {
			continue
		}
		seen[goos+"/"+goarch] = true
		out := fmt.Sprintf("lumos_%s_%s_%s", strings.TrimPrefix(version, "v"), goos, goarch)
		if goos == "windows" {
			out += ".exe"
		}
		builds = append(builds, build{
			GOOS: goos, GOARCH: goarch, Output: out,
			Args: []string{"build", "-trimpath", "-ldflags", "-s -w -X github.com/lumosgo/lumos/cli.version=" + version,
				"-o", filepath.Join(dir, out), "."},
			Env: []string{"CGO_ENABLED=0", "GOOS=" + goos, "GOARCH=" + goarch},
		})
	}
	return builds, nil
}

// writeChecksums writes dir/SHA256SUMS for the named files of dir, sorted.
func writeChecksums(dir string, names []string) error {
	names = append([]string(nil), names...)
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), n)
	}
	return os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(b.String()), 0o644)
}

func main() {
	version := flag.String("version", "", "the version to stamp, e.g. v0.4.0 (required)")
	dir := flag.String("o", "dist", "the folder to write the binaries and SHA256SUMS into")
	targets := flag.String("targets", strings.Join(Targets, ","), "comma-separated GOOS/GOARCH list")
	dryRun := flag.Bool("n", false, "print the builds and build nothing")
	flag.Parse()
	builds, err := plan(*version, *dir, strings.Split(*targets, ","))
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(2)
	}
	if err := run(builds, *dir, *dryRun, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

// run makes the builds (or prints them, for a dry run) and the checksums.
func run(builds []build, dir string, dryRun bool, out io.Writer) error {
	if !dryRun {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	var names []string
	for _, b := range builds {
		fmt.Fprintf(out, "%s go %s\n", strings.Join(b.Env, " "), strings.Join(quoteArgs(b.Args), " "))
		if dryRun {
			continue
		}
		cmd := exec.Command("go", b.Args...)
		cmd.Env = append(os.Environ(), b.Env...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building %s/%s: %w", b.GOOS, b.GOARCH, err)
		}
		names = append(names, b.Output)
	}
	if dryRun {
		return nil
	}
	if err := writeChecksums(dir, names); err != nil {
		return err
	}
	fmt.Fprintln(out, filepath.Join(dir, "SHA256SUMS"))
	return nil
}

// quoteArgs quotes the arguments with spaces, for printing.
func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t") {
			a = "'" + a + "'"
		}
		out[i] = a
	}
	return out
}
