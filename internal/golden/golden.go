// Package golden compares generated output with committed golden files in
// tests, and rewrites them on request. Test packages share one -update flag
// convention: `go test ./<pkg> -update`.
package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// Check compares got with the file at path; with update set it rewrites the
// file instead. regenerate is the command that rewrites it, quoted in the
// failure message.
func Check(t testing.TB, path string, got []byte, update bool, regenerate string) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the golden file: %v\nrun `%s` to create it", err, regenerate)
	}
	if string(want) != string(got) {
		t.Fatalf("output differs from %s (%d bytes, want %d)\n got: …%s…\nwant: …%s…\n"+
			"if the change is intended, run `%s` and review the diff",
			path, len(got), len(want), FirstDifference(string(got), string(want)), FirstDifference(string(want), string(got)), regenerate)
	}
}

// FirstDifference is a ±60-byte window of a around where it first differs from b.
func FirstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return a[max(0, i-60):min(len(a), i+60)]
}
