package module_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/internal/module"
)

func TestFindRoot(t *testing.T) {
	tests := []struct {
		name    string
		gomod   string // "" for no go.mod
		wantErr string // "" for success
	}{
		{"lumos", "module github.com/lumosgo/lumos\n\ngo 1.26\n", ""},
		{"quoted, with a comment", "// the module\nmodule \"github.com/lumosgo/lumos\" // here\n", ""},
		{"another module", "module example.com/other\n", `is module "example.com/other"`},
		{"no go.mod", "", "no go.mod in it or any folder above"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			root := t.TempDir()
			if tt.gomod != "" {
				is.NoErr(os.WriteFile(filepath.Join(root, "go.mod"), []byte(tt.gomod), 0o644))
			}
			deep := filepath.Join(root, "a", "b")
			is.NoErr(os.MkdirAll(deep, 0o755))
			got, err := module.FindRoot(deep)
			if tt.wantErr == "" {
				is.NoErr(err)
				is.Equal(got, root) // found from a folder below
				return
			}
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), "is not inside the lumos module"))
			if tt.gomod != "" || !strings.Contains(err.Error(), "is module") { // a go.mod above the temporary folder would explain otherwise
				is.True(strings.Contains(err.Error(), tt.wantErr))
			}
		})
	}
}
