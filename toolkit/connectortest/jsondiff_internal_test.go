package connectortest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"
)

// numbered returns the lines prefix1 … prefixN.
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i+1)
	}
	return out
}

// unifiedDiff keeps n lines of context around each change and joins
// changes whose context touches into one hunk; of a changed line, the new
// one comes first.
func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
		n    int
		want string
	}{
		{"equal", []string{"a", "b"}, []string{"a", "b"}, 3, ""},
		{"one line changed", []string{"a", "b", "c", "d", "e"}, []string{"a", "b", "C", "d", "e"}, 1,
			"@@ -2,3 +2,3 @@\n  b\n+ C\n- c\n  d"},
		{"a line added at the end", []string{"a"}, []string{"a", "b"}, 3,
			"@@ -1,1 +1,2 @@\n  a\n+ b"},
		{"two hunks", numbered("l", 10), append(append([]string{"x"}, numbered("l", 10)[1:9]...), "y"), 1,
			"@@ -1,2 +1,2 @@\n+ x\n- l1\n  l2\n@@ -9,2 +9,2 @@\n  l9\n+ y\n- l10"},
		{"changes whose context touches make one hunk", []string{"a", "b", "c"}, []string{"A", "b", "C"}, 1,
			"@@ -1,3 +1,3 @@\n+ A\n- a\n  b\n+ C\n- c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			is.Equal(unifiedDiff(tt.a, tt.b, tt.n), tt.want)
		})
	}
}

// A middle too large for the line-by-line table is removed and added whole,
// between the common prefix and suffix.
func TestUnifiedDiffOfLargeChanges(t *testing.T) {
	is := is.New(t)
	a := append(append([]string{"head"}, numbered("a", 2001)...), "tail")
	b := append(append([]string{"head"}, numbered("b", 2001)...), "tail")
	lines := strings.Split(unifiedDiff(a, b, 1), "\n")
	is.Equal(lines[0], "@@ -1,2003 +1,2003 @@")
	is.Equal(len(lines), 1+2001+2001+2)
	is.Equal(lines[1:3], []string{"  head", "- a1"})
	is.Equal(lines[2002:2004], []string{"- a2001", "+ b1"})
	is.Equal(lines[len(lines)-2:], []string{"+ b2001", "  tail"})
}
