package bundle_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/internal/bundle"
)

func TestValidVersion(t *testing.T) {
	tests := []struct {
		v  string
		ok bool
	}{
		{"1.0.0", true},
		{"2.1.0-rc.1+build_7", true},
		{"v1", true},
		{"", false},
		{".1", false},
		{"-1", false},
		{"1.0/../x", false},
		{"1 0", false},
		{`1"0`, false},
		{string(bytes.Repeat([]byte("1"), 129)), false},
	}
	for _, tt := range tests {
		t.Run(tt.v, func(t *testing.T) {
			is.New(t).Equal(bundle.ValidVersion(tt.v), tt.ok)
		})
	}
}

func TestMetadata(t *testing.T) {
	tests := []struct{ appID, version, want string }{
		{"mock", "1.0.0", "[connector]\napp_id = \"mock_on_prem\"\nversion = \"1.0.0\"\n"},
		{"acme_on_prem", "2", "[connector]\napp_id = \"acme_on_prem\"\nversion = \"2\"\n"},        // the suffix is not doubled
		{"a", "1\"\\\n", "[connector]\napp_id = \"a_on_prem\"\nversion = \"1\\\"\\\\\\u000A\"\n"}, // TOML escapes
	}
	for _, tt := range tests {
		t.Run(tt.appID, func(t *testing.T) {
			is.New(t).Equal(string(bundle.Metadata(tt.appID, tt.version)), tt.want)
		})
	}
}

func TestClassifyLicence(t *testing.T) {
	tests := []struct{ text, want string }{
		{"", "unknown (no licence file)"},
		{"Apache License\n Version 2.0, January 2004", "Apache-2.0"},
		{"Mozilla Public License Version 2.0", "MPL-2.0"},
		{"Permission is hereby granted, free of charge, to any person", "MIT"},
		{"Permission to use, copy, modify, and/or distribute this software for any purpose", "ISC"},
		{"Redistribution and use in source and binary forms ... Neither the name of Google", "BSD-3-Clause"},
		{"Redistribution and use in source and binary forms, with or without", "BSD-2-Clause"},
		{"This is free and unencumbered software released into the public domain.", "Unlicense"},
		{"GNU LESSER GENERAL PUBLIC LICENSE", "LGPL"},
		{"GNU GENERAL PUBLIC LICENSE", "GPL"},
		{"All rights reserved.", "see the licence text below"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			is.New(t).Equal(bundle.ClassifyLicence(tt.text), tt.want)
		})
	}
}

// TestArchives writes the same files as .tar.gz and .zip and reads them back.
func TestArchives(t *testing.T) {
	files := []bundle.File{{Name: "main", Content: []byte("\x7fELF")}, {Name: "metadata.toml", Content: []byte("[connector]\n")}}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		write func(io.Writer, []bundle.File, time.Time) error
		read  func(*testing.T, []byte) map[string]entry
	}{
		{"tar.gz", bundle.WriteTarGz, readTarGz},
		{"zip", bundle.WriteZip, readZip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			var buf bytes.Buffer
			is.NoErr(tt.write(&buf, files, now))
			got := tt.read(t, buf.Bytes())
			is.Equal(len(got), len(files))
			for _, f := range files {
				e := got[f.Name]
				is.Equal(e.content, string(f.Content))
				is.Equal(e.mode.Perm(), fs.FileMode(bundle.Mode)) // chmod 770, as upstream
				is.True(e.regular)
				is.True(e.modified.Equal(now))
			}
		})
	}
}

// TestBuildUsageErrors checks the mistakes Build reports before building anything.
func TestBuildUsageErrors(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		o    bundle.Options
	}{
		{"bad version", bundle.Options{AppID: "mock", Version: "1/2", Registered: true}},
		{"unlinked connector", bundle.Options{AppID: "no-such", Version: "1.0.0"}},
		{"unknown os", bundle.Options{AppID: "mock", Version: "1.0.0", Registered: true, GOOS: "plan10", GOARCH: "amd64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			out := t.TempDir()
			tt.o.OutputDirectory, tt.o.WorkDir = out, wd
			var progress bytes.Buffer
			_, err := bundle.Build(context.Background(), tt.o, &progress)
			var ue bundle.UsageError
			is.True(err != nil)
			is.True(errors.As(err, &ue)) // a mistake of the caller's, not a failed build
			entries, err := os.ReadDir(out)
			is.NoErr(err)
			is.Equal(len(entries), 0) // nothing written
		})
	}
}

type entry struct {
	content  string
	mode     fs.FileMode
	regular  bool
	modified time.Time
}

func readTarGz(t *testing.T, b []byte) map[string]entry {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string]entry{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[hdr.Name] = entry{string(content), fs.FileMode(hdr.Mode), hdr.Typeflag == tar.TypeReg, hdr.ModTime}
	}
}

func readZip(t *testing.T, b []byte) map[string]entry {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]entry{}
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
		out[f.Name] = entry{string(content), f.Mode(), f.Mode().IsRegular(), f.Modified}
	}
	return out
}

func TestDataFiles(t *testing.T) {
	dir := t.TempDir()
	is.New(t).NoErr(os.MkdirAll(filepath.Join(dir, "conf", "sub"), 0o755))
	is.New(t).NoErr(os.WriteFile(filepath.Join(dir, "conf", "sub", "a.json"), []byte(`{"a":1}`), 0o644))
	is.New(t).NoErr(os.WriteFile(filepath.Join(dir, "b.txt"), []byte("b"), 0o644))
	is.New(t).NoErr(os.Symlink("b.txt", filepath.Join(dir, "link.txt")))
	tests := []struct {
		name  string
		paths []string
		want  []bundle.File
		err   string
	}{
		{"none", nil, nil, ""},
		{"paths kept, with '/'", []string{"conf/sub/a.json", "./b.txt"},
			[]bundle.File{{Name: "conf/sub/a.json", Content: []byte(`{"a":1}`)}, {Name: "b.txt", Content: []byte("b")}}, ""},
		{"absolute", []string{filepath.Join(dir, "b.txt")}, nil, "relative"},
		{"outside", []string{"../b.txt"}, nil, "relative"},
		{"twice", []string{"b.txt", "conf/../b.txt"}, nil, "already has"},
		{"the bundle's own name", []string{"metadata.toml"}, nil, "already has"},
		{"a symbolic link", []string{"link.txt"}, nil, "not a regular file"},
		{"a folder", []string{"conf"}, nil, "not a regular file"},
		{"missing", []string{"none.txt"}, nil, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			got, err := bundle.DataFiles(dir, tt.paths)
			if tt.err != "" {
				is.True(err != nil && strings.Contains(err.Error(), tt.err))
				return
			}
			is.NoErr(err)
			is.Equal(got, tt.want)
		})
	}
}
