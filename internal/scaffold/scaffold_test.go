package scaffold_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/internal/scaffold"
)

func TestCheckName(t *testing.T) {
	reserved := func(name string) error {
		if name == "spec" || strings.HasSuffix(name, "-connector") {
			return errors.New("taken by the test")
		}
		return nil
	}
	tests := []struct{ name, problem string }{
		{"sample-idp", ""},
		{"acme2", ""},
		{"a", ""},
		{strings.Repeat("a", 64), ""},
		{strings.Repeat("a", 65), "invalid connector name"},
		{"", "invalid connector name"},
		{"sample_idp", "invalid connector name"}, // '-' only: the package name replaces it by '_'
		{"Acme", "invalid connector name"},
		{"1acme", "invalid connector name"},
		{"acme--hr", "invalid connector name"},
		{"spec", "taken by the test"},
		{"acme-connector", "taken by the test"},
		{"main", "reserved"},
		{"internal", "reserved"},
		{"type", "Go keyword"},
		{"acme-test", "test file"},
		{"acme-linux", "built only for that system"},
		{"acme-amd64", "built only for that system"},
		{"acme-linux-arm64", "built only for that system"},
		{"linux", ""}, // a single word has no suffix
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			err := scaffold.CheckName(tt.name, reserved)
			if tt.problem == "" {
				is.NoErr(err)
				return
			}
			var ue scaffold.UsageError
			is.True(errors.As(err, &ue))                       // a usage mistake
			is.True(strings.Contains(err.Error(), tt.problem)) // that says what is wrong
		})
	}
}
