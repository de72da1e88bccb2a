// Package module finds the lumos module on disk, for the developer commands
// that work inside a checkout of it (scaffold, compile-on-prem).
package module

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Path is the lumos module's path.
const Path = "github.com/lumosgo/lumos"

// FindRoot walks up from dir to the nearest go.mod and returns its folder,
// or an error saying why dir is not inside the lumos module.
func FindRoot(dir string) (string, error) {
	start := dir
	for {
		gomod := filepath.Join(dir, "go.mod")
		b, err := os.ReadFile(gomod)
		if err == nil {
			if p := goModPath(b); p != Path {
				return "", fmt.Errorf("%s is not inside the lumos module: the nearest go.mod, %s, is module %q, not %s; run this command inside a checkout of %s", start, gomod, p, Path, Path)
			}
			return dir, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("reading %s: %w", gomod, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s is not inside the lumos module: no go.mod in it or any folder above; run this command inside a checkout of %s", start, Path)
		}
		dir = parent
	}
}

// goModPath returns the module path a go.mod declares.
func goModPath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "//")
		fields := strings.Fields(line)
		if len(fields) == 2 && fields[0] == "module" {
			if p, err := strconv.Unquote(fields[1]); err == nil {
				return p
			}
			return fields[1]
		}
	}
	return ""
}
