package golden_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/internal/golden"
)

// recorder captures a failure instead of ending the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Fatalf(format string, args ...any) { r.failed = format }
func (r *recorder) Helper()                           {}
func (r *recorder) Logf(string, ...any)               {}

func TestCheck(t *testing.T) {
	is := is.New(t)
	path := filepath.Join(t.TempDir(), "sub", "out.json")
	golden.Check(t, path, []byte("v1"), true, "regen") // writes, creating the folder
	r := &recorder{TB: t}
	golden.Check(r, path, []byte("v1"), false, "regen")
	is.Equal(r.failed, "") // equal: passes
	golden.Check(r, path, []byte("v2"), false, "regen")
	is.True(strings.Contains(r.failed, "differs")) // different: fails, naming the command
	is.Equal(golden.FirstDifference("abcXdef", "abcYdef"), "abcXdef")
}
