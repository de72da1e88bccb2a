package hostile_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
)

func TestStringsOf(t *testing.T) {
	is := is.New(t)
	got := hostile.StringsOf(map[string]any{"a": []any{"x", 1.0, map[string]any{"b": "y"}}, "c": nil})
	slices.Sort(got)
	is.Equal(got, []string{"a", "b", "c", "x", "y"}) // keys and values, nothing else
}

func TestReadFiles(t *testing.T) {
	is := is.New(t)
	dir := t.TempDir()
	is.NoErr(os.WriteFile(filepath.Join(dir, "b.log"), []byte("two\n"), 0o600))
	is.NoErr(os.WriteFile(filepath.Join(dir, "a.log"), []byte("one\n"), 0o600))
	is.Equal(hostile.ReadFiles(t, dir), "one\ntwo\n")
}
