package scaffold

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lumosgo/lumos/internal/treetest"
)

// TestScaffoldRollsBack makes the scaffold fail at each step that changes
// the module, with and without --force over an existing connector, and
// checks that the module is left exactly as it was.
func TestScaffoldRollsBack(t *testing.T) {
	for _, force := range []bool{false, true} {
		for _, step := range []string{"write", "folder", "registration", "done"} {
			t.Run(fmt.Sprintf("%s force=%v", step, force), func(t *testing.T) {
				root := t.TempDir()
				treetest.WriteFile(t, filepath.Join(root, "go.mod"), "module github.com/lumosgo/lumos\n")
				treetest.WriteFile(t, filepath.Join(root, "connectors", "doc.go"), "package connectors\n")
				if force {
					treetest.WriteFile(t, filepath.Join(root, "connectors", "sample_idp", "old.go"), "package sample_idp\n")
					treetest.WriteFile(t, filepath.Join(root, "connectors", "sample_idp.go"), "package connectors\n// old\n")
				}
				before := treetest.Describe(t, root)
				hook = func(s string) error {
					if s == step {
						return errors.New("injected failure at " + s)
					}
					return nil
				}
				defer func() { hook = nil }()

				_, err := Generate(Options{Name: "sample-idp", Force: force, WorkDir: root})
				if err == nil || !strings.Contains(err.Error(), "injected failure at "+step) {
					t.Fatalf("Generate: %v, want the injected failure at %s", err, step)
				}
				if after := treetest.Describe(t, root); after != before {
					t.Errorf("the module changed:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
	}

	// A custom folder whose parents do not exist: they go too.
	root := t.TempDir()
	treetest.WriteFile(t, filepath.Join(root, "go.mod"), "module github.com/lumosgo/lumos\n")
	treetest.WriteFile(t, filepath.Join(root, "connectors", "doc.go"), "package connectors\n")
	before := treetest.Describe(t, root)
	hook = func(s string) error {
		if s == "registration" {
			return errors.New("injected failure")
		}
		return nil
	}
	defer func() { hook = nil }()
	if _, err := Generate(Options{Name: "sample-idp", Dir: filepath.Join("internal", "deep", "acme"), WorkDir: root}); err == nil {
		t.Fatal("Generate succeeded despite the injected failure")
	}
	if after := treetest.Describe(t, root); after != before {
		t.Errorf("the module changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
