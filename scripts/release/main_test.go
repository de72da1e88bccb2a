package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"
)

func TestPlan(t *testing.T) {
	tests := []struct {
		name    string
		version string
		targets []string
		outputs []string
		err     string
	}{
		{"every target", "v1.2.3", Targets, []string{
			"lumos_1.2.3_linux_amd64", "lumos_1.2.3_linux_arm64", "lumos_1.2.3_darwin_amd64",
			"lumos_1.2.3_darwin_arm64", "lumos_1.2.3_windows_amd64.exe", "lumos_1.2.3_windows_arm64.exe"}, ""},
		{"a target named twice is built once", "v1.0.0", []string{"linux/arm64", " linux/arm64"}, []string{"lumos_1.0.0_linux_arm64"}, ""},
		{"no version", "", Targets, nil, "-version"},
		{"a version with a quote", "v1'", Targets, nil, "-version"},
		{"a malformed target", "v1.0.0", []string{"linux"}, nil, "GOOS/GOARCH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			builds, err := plan(tt.version, "dist", tt.targets)
			if tt.err != "" {
				is.True(err != nil && strings.Contains(err.Error(), tt.err))
				return
			}
			is.NoErr(err)
			var outputs []string
			for _, b := range builds {
				outputs = append(outputs, b.Output)
				is.Equal(b.Env[0], "CGO_ENABLED=0") // static
				is.Equal(b.Env[1:], []string{"GOOS=" + b.GOOS, "GOARCH=" + b.GOARCH})
				is.Equal(b.Args[:2], []string{"build", "-trimpath"})
				is.True(strings.Contains(b.Args[3], "-X github.com/lumosgo/lumos/cli.version="+tt.version))
				is.Equal(b.Args[len(b.Args)-2:], []string{filepath.Join("dist", b.Output), "."})
			}
			is.Equal(outputs, tt.outputs)
		})
	}
}

func TestChecksums(t *testing.T) {
	is := is.New(t)
	dir := t.TempDir()
	files := map[string]string{"lumos_1_linux_amd64": "one", "lumos_1_windows_arm64.exe": "two"}
	for n, c := range files {
		is.NoErr(os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644))
	}
	is.NoErr(writeChecksums(dir, []string{"lumos_1_windows_arm64.exe", "lumos_1_linux_amd64"}))
	got, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	is.NoErr(err)
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	is.Equal(string(got), sum("one")+"  lumos_1_linux_amd64\n"+sum("two")+"  lumos_1_windows_arm64.exe\n")
	if sha, err := exec.LookPath("sha256sum"); err == nil { // coreutils checks the file as a user would
		cmd := exec.Command(sha, "-c", "SHA256SUMS")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		is.NoErr(err)
		is.True(bytes.Contains(out, []byte("lumos_1_linux_amd64: OK")))
	}
}

func TestDryRunPrintsEveryBuild(t *testing.T) {
	is := is.New(t)
	builds, err := plan("v2.0.0", "out", Targets)
	is.NoErr(err)
	var out bytes.Buffer
	is.NoErr(run(builds, filepath.Join(t.TempDir(), "none"), true, &out))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	is.Equal(len(lines), len(Targets))
	is.True(strings.HasPrefix(lines[0], "CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags '-s -w -X github.com/lumosgo/lumos/cli.version=v2.0.0' -o out/lumos_2.0.0_linux_amd64 ."))
}
