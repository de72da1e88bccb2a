package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runnableBlock is a shell block of the documentation marked runnable
// (a fence opened with "```sh runnable").
type runnableBlock struct {
	where  string // file:line of the fence
	script string
}

// runnableBlocks reads the runnable blocks of README.md and docs/*.md.
func runnableBlocks(t *testing.T) []runnableBlock {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{filepath.Join("..", "README.md")}, files...)
	var blocks []runnableBlock
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cur *runnableBlock
		for i, line := range strings.Split(string(b), "\n") {
			switch {
			case cur == nil && strings.TrimSpace(line) == "```sh runnable":
				cur = &runnableBlock{where: fmt.Sprintf("%s:%d", strings.TrimPrefix(filepath.ToSlash(f), "../"), i+1)}
			case cur != nil && strings.TrimSpace(line) == "```":
				blocks = append(blocks, *cur)
				cur = nil
			case cur != nil:
				cur.script += line + "\n"
			}
		}
		if cur != nil {
			t.Fatalf("%s: a runnable block is not closed", cur.where)
		}
	}
	return blocks
}

// TestDocs runs every runnable block of the README and docs/ with bash,
// in a new folder holding ./lumos (the binary built from this checkout),
// and fails on a non-zero exit. The blocks' own commands (test, grep -q)
// check what they print.
func TestDocs(t *testing.T) {
	bin := lumosBinary(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("the documentation's blocks need bash (Debian: apt-get install bash)")
	}
	blocks := runnableBlocks(t)
	if len(blocks) < 5 {
		t.Fatalf("found %d runnable blocks; the README's tour alone has more", len(blocks))
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LUMOS_") || strings.HasPrefix(kv, "LUMOS_LOG_DIRECTORY=") {
			env = append(env, kv) // no LUMOS_ variable of the caller changes what the blocks do
		}
	}
	for _, b := range blocks {
		t.Run(b.where, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.Symlink(filepath.Join(bin, "lumos"), filepath.Join(dir, "lumos")); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bash, "--norc", "-e", "-o", "pipefail", "-c", b.script)
			cmd.Dir = dir
			// a copy: the blocks run in parallel, and append would share env's spare room
			cmd.Env = append(slices.Clip(env), "PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n--- script\n%s--- output\n%s", b.where, err, b.script, out)
			}
		})
	}
}
