package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// StringsOf returns every string of a decoded JSON value, object keys
// included, for tests that look for a secret in what a call printed.
func StringsOf(v any) []string { return stringsOf(v, nil) }

func stringsOf(v any, out []string) []string {
	switch v := v.(type) {
	case string:
		out = append(out, v)
	case []any:
		for _, x := range v {
			out = stringsOf(x, out)
		}
	case map[string]any:
		for k, x := range v {
			out = stringsOf(x, append(out, k))
		}
	}
	return out
}

// ReadFiles returns the contents of every file in dir, concatenated in
// name order (e.g. the log files a call wrote), or fails the test.
func ReadFiles(t testing.TB, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}
