package treetest_test

import (
	"path/filepath"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/internal/treetest"
)

func TestDescribeSeesEveryChange(t *testing.T) {
	is := is.New(t)
	root := t.TempDir()
	treetest.WriteFile(t, filepath.Join(root, "a", "b.txt"), "one")
	before := treetest.Describe(t, root)
	is.Equal(before, treetest.Describe(t, root)) // stable
	treetest.WriteFile(t, filepath.Join(root, "a", "b.txt"), "two")
	changed := treetest.Describe(t, root)
	is.True(changed != before) // content
	treetest.WriteFile(t, filepath.Join(root, "c", "d.txt"), "two")
	is.True(treetest.Describe(t, root) != changed) // a new folder and file
}
