package connectortest_test

import (
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// TestRunLumosMeasuresTheCallAlone checks that a call's peak resident set
// is its own even when the test process is large: started straight from
// the test, Linux would report the test's 160 MB for it.
func TestRunLumosMeasuresTheCallAlone(t *testing.T) {
	is := is.New(t)
	bin := connectortest.BuildLumos(t)
	ballast := make([]byte, 160<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	c := connectortest.RunLumos(t, bin, "mock", "validate_credentials", map[string]any{
		"auth": map[string]any{"basic": map[string]any{"username": "foo", "password": "bar"}}, "request": map[string]any{}, "settings": map[string]any{"host": "example.com"}})
	is.True(c.MaxRSSKiB > 1024)   // a Go process's own few megabytes
	is.True(c.MaxRSSKiB < 96<<10) // not the test's 160 MB
	is.True(c.Took > 0)
	is.Equal(c.Items, 0)
	is.True(ballast[len(ballast)-1] == 1)

	m := connectortest.Measure(t, bin, "/bin/sh", "-c", "echo hello; exit 0")
	is.Equal(string(m.Stdout), "hello\n")
	is.True(m.MaxRSSKiB < 96<<10)
}
