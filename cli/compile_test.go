//go:build !lumos_runtime

package cli_test

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"debug/buildinfo"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
)

// bundle is an unpacked on-prem bundle: file name → content and mode.
type bundle map[string]struct {
	content []byte
	mode    fs.FileMode
}

func readTarGz(t *testing.T, path string) bundle {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	b := bundle{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Typeflag != tar.TypeReg {
			t.Errorf("%s is not a regular file", hdr.Name)
		}
		b[hdr.Name] = struct {
			content []byte
			mode    fs.FileMode
		}{content, fs.FileMode(hdr.Mode)}
	}
	return b
}

func readZip(t *testing.T, path string) bundle {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	b := bundle{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		b[f.Name] = struct {
			content []byte
			mode    fs.FileMode
		}{content, f.Mode()}
	}
	return b
}

// TestCompileOnPrem builds the mock connector's on-prem bundle for Linux and
// for Windows (amd64), unpacks both, checks their files and runs the Linux
// main.
func TestCompileOnPrem(t *testing.T) {
	t.Parallel()
	for _, target := range []struct{ goos, archive, exe string }{
		{"linux", "mock-1.0.0.tar.gz", "main"},
		{"windows", "mock-1.0.0.zip", "main.exe"},
	} {
		t.Run(target.goos, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			out := t.TempDir()
			started := time.Now()
			r := run("", "lumos", "compile-on-prem", "--connector", "mock", "--os", target.goos, "--arch", "amd64", "--output-directory", out,
				"--connector-root-module-dir", "..", "--data-file", "LICENSE", "--data-file", "docs/on-prem.md") // connector-py's flags
			t.Logf("compile-on-prem for %s/amd64: %.1fs", target.goos, time.Since(started).Seconds())
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			archive := filepath.Join(out, target.archive)
			is.Equal(r.stdout, archive+"\n") // the archive's path, alone, on stdout
			for _, progress := range []string{"building mock 1.0.0 for " + target.goos + "/amd64", "-tags custom,connectors.mock,lumos_runtime -trimpath", "wrote " + archive} {
				is.True(strings.Contains(r.stderr, progress)) // progress on stderr
			}
			entries, err := os.ReadDir(out)
			is.NoErr(err)
			is.Equal(len(entries), 1) // the archive and nothing else (no build leftovers)

			var b bundle
			if target.goos == "windows" {
				b = readZip(t, archive)
			} else {
				b = readTarGz(t, archive)
			}
			is.Equal(len(b), 5) // main, metadata.toml, THIRD_PARTY_LICENSES.txt and the two data files
			license, err := os.ReadFile(filepath.Join("..", "LICENSE"))
			is.NoErr(err)
			is.Equal(b["LICENSE"].content, license)        // a data file, as it is
			is.True(len(b["docs/on-prem.md"].content) > 0) // its relative path kept
			for _, f := range b {
				is.Equal(f.mode.Perm(), fs.FileMode(0o770)) // chmod 770, as upstream
			}
			is.Equal(string(b["metadata.toml"].content), "[connector]\napp_id = \"mock_on_prem\"\nversion = \"1.0.0\"\n")

			licences := string(b["THIRD_PARTY_LICENSES.txt"].content)
			for _, want := range []string{
				"github.com/alecthomas/kong",                   // linked into every connector's binary
				"Permission is hereby granted, free of charge", // kong's licence text (MIT)
				"Go standard library and runtime",
				"Redistribution and use in source and binary forms", // Go's licence text
			} {
				if !strings.Contains(licences, want) {
					t.Errorf("THIRD_PARTY_LICENSES.txt lacks %q:\n%s", want, licences)
				}
			}
			is.True(strings.Contains(licences, "github.com/alecthomas/kong v1.17.0\nLicence: MIT\n")) // kong's licence, named
			is.True(!strings.Contains(licences, "go-retryablehttp"))                                  // only what is linked: the mock makes no HTTP calls

			exe := filepath.Join(t.TempDir(), target.exe)
			is.NoErr(os.WriteFile(exe, b[target.exe].content, 0o770))
			info, err := buildinfo.ReadFile(exe)
			is.NoErr(err)
			settings := map[string]string{}
			for _, s := range info.Settings {
				settings[s.Key] = s.Value
			}
			is.Equal(settings["GOOS"], target.goos)
			is.Equal(settings["GOARCH"], "amd64")
			is.Equal(settings["CGO_ENABLED"], "0")
			is.Equal(settings["-tags"], "custom,connectors.mock,lumos_runtime")
			is.Equal(settings["-trimpath"], "true")
			if target.goos == "windows" {
				is.Equal(string(b[target.exe].content[:2]), "MZ") // a Windows executable
				return
			}

			// The Linux main is the mock connector's command line.
			dir := filepath.Dir(exe)
			r = runBinary(t, dir, "", "main", "info")
			is.Equal(r.code, 0)
			is.True(strings.HasPrefix(r.stdout, `{"execution_summary": null, "page": null, "raw_data": null, "response": {"app_id": "mock",`))
			r = runBinary(t, dir, "", "main", "validate_credentials", "--json", validJSON)
			is.Equal(r.code, 0)
			is.Equal(r.stdout, validOut)
			r = runBinary(t, dir, "", "main", "--version")
			is.True(strings.HasPrefix(r.stdout, "mock 1.0.0 "))
			r = runBinary(t, dir, "", "main", "connectors", "list")
			is.Equal(r.code, 2) // only the connector's commands
		})
	}
}

func TestCompileOnPremErrors(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		code      int
		stderrHas string
	}{
		{"unknown connector", []string{"--connector", "no-such-connector"}, 2, `unknown connector "no-such-connector"`},
		{"connector-py's --app-id", []string{"--app-id", "no-such-connector"}, 2, `unknown connector "no-such-connector"`},
		{"a --data-file outside the folder", []string{"--app-id", "mock", "--data-file", "../LICENSE"}, 2, "relative"},
		{"--connector-root-module-dir outside the module", []string{"--app-id", "mock", "--connector-root-module-dir", os.TempDir()}, 1, "not inside the lumos module"},
		{"missing connector", nil, 2, "--connector"},
		{"bad version", []string{"--connector", "mock", "--connector-version", "1.0/../x"}, 2, "cannot name a bundle"},
		{"unknown os", []string{"--connector", "mock", "--os", "plan10", "--arch", "amd64"}, 2, `unknown --os "plan10"`},
		{"unknown arch", []string{"--connector", "mock", "--os", "linux", "--arch", "z80"}, 2, `unknown --arch "z80"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			out := t.TempDir()
			r := run("", append([]string{"lumos", "compile-on-prem", "--output-directory", out}, tt.args...)...)
			is.Equal(r.code, tt.code)
			is.Equal(r.stdout, "")
			if !strings.Contains(r.stderr, tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, r.stderr)
			}
			entries, err := os.ReadDir(out)
			is.NoErr(err)
			is.Equal(len(entries), 0) // nothing written
		})
	}

	t.Run("no go on PATH", func(t *testing.T) {
		is := is.New(t)
		t.Setenv("PATH", t.TempDir())
		out := t.TempDir()
		r := run("", "lumos", "compile-on-prem", "--connector", "mock", "--output-directory", out)
		is.Equal(r.code, 1)
		is.True(strings.Contains(r.stderr, "needs the Go toolchain")) // says so clearly
		is.True(strings.Contains(r.stderr, "no go command on PATH"))
		entries, _ := os.ReadDir(out)
		is.Equal(len(entries), 0)
	})

	t.Run("outside the module", func(t *testing.T) {
		is := is.New(t)
		dir := t.TempDir()
		t.Chdir(dir)
		r := run("", "lumos", "compile-on-prem", "--connector", "mock")
		is.Equal(r.code, 1)
		is.True(strings.Contains(r.stderr, "not inside the lumos module"))
		entries, _ := os.ReadDir(dir)
		is.Equal(len(entries), 0) // no ./compiled folder
	})
}
