package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScaffoldRollsBack makes the scaffold fail at each step that changes
// the module, with and without --force over an existing connector, and
// checks that the module is left exactly as it was.
func TestScaffoldRollsBack(t *testing.T) {
	for _, force := range []bool{false, true} {
		for _, step := range []string{"write", "folder", "registration", "done"} {
			t.Run(fmt.Sprintf("%s force=%v", step, force), func(t *testing.T) {
				root := t.TempDir()
				mustWrite(t, filepath.Join(root, "go.mod"), "module github.com/lumosgo/lumos\n")
				mustWrite(t, filepath.Join(root, "connectors", "doc.go"), "package connectors\n")
				if force {
					mustWrite(t, filepath.Join(root, "connectors", "acme_hr", "old.go"), "package acme_hr\n")
					mustWrite(t, filepath.Join(root, "connectors", "acme_hr.go"), "package connectors\n// old\n")
				}
				before := tree(t, root)
				hook = func(s string) error {
					if s == step {
						return errors.New("injected failure at " + s)
					}
					return nil
				}
				defer func() { hook = nil }()

				_, err := Generate(Options{Name: "acme-hr", Force: force, WorkDir: root})
				if err == nil || !strings.Contains(err.Error(), "injected failure at "+step) {
					t.Fatalf("Generate: %v, want the injected failure at %s", err, step)
				}
				if after := tree(t, root); after != before {
					t.Errorf("the module changed:\nbefore:\n%s\nafter:\n%s", before, after)
				}
			})
		}
	}

	// A custom folder whose parents do not exist: they go too.
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "go.mod"), "module github.com/lumosgo/lumos\n")
	mustWrite(t, filepath.Join(root, "connectors", "doc.go"), "package connectors\n")
	before := tree(t, root)
	hook = func(s string) error {
		if s == "registration" {
			return errors.New("injected failure")
		}
		return nil
	}
	defer func() { hook = nil }()
	if _, err := Generate(Options{Name: "acme-hr", Dir: filepath.Join("internal", "deep", "acme"), WorkDir: root}); err == nil {
		t.Fatal("Generate succeeded despite the injected failure")
	}
	if after := tree(t, root); after != before {
		t.Errorf("the module changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tree lists every file (with its content) and folder under root.
func tree(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			fmt.Fprintf(&b, "%s/\n", rel)
			return nil
		}
		content, err := os.ReadFile(path)
		fmt.Fprintf(&b, "%s %q %v\n", rel, content, err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
