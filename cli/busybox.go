package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/lumosgo/lumos/toolkit"
)

// busyboxGrammar is the command line of the connector the binary was
// invoked as: `info`, `schema` and its capabilities at the top, plus
// --version. When args run one capability, only that command is built.
func busyboxGrammar(prog string, in *toolkit.Integration, args []string) (any, []kong.Option) {
	return connectorGrammar(in, true, selected(in, args), slices.ContainsFunc(args, isHelpFlag)), []kong.Option{
		kong.Name(prog),
		kong.Description(escapeHelp(connectorHelp(in))),
		kong.Vars{"version": in.AppID() + " " + in.Version() + " (lumos " + Version() + ")"},
		kong.ExplicitGroups(groups),
	}
}

// maxLinkHops bounds how far a chain of symlinks is followed.
const maxLinkHops = 40

// resolveProgram names the program from argv[0] and finds the connector it
// stands for, if any. The name as invoked counts first: a link called
// mock-connector runs the mock connector whatever it points to. Failing
// that, each link of a symlink chain is tried in turn, so
// mock-connector → lumos-dev → lumos works, as does lumos-dev → mock-connector.
func resolveProgram(argv0 string) (string, *toolkit.Integration) {
	prog := programName(argv0)
	if prog == "" {
		prog = "lumos"
	}
	path := argv0
	if prog != "lumos" && connectorNamed(prog) == nil && !strings.ContainsRune(argv0, filepath.Separator) {
		// Started by name from PATH: find the file to follow its links.
		if found, err := exec.LookPath(argv0); err == nil {
			path = found
		}
	}
	for range maxLinkHops {
		if in := connectorNamed(programName(path)); in != nil {
			return programName(path), in
		}
		target, err := os.Readlink(path)
		if err != nil {
			break
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return prog, nil
}

// programName is the base name of path without a Windows ".exe".
func programName(path string) string {
	base := filepath.Base(path)
	if base == "." || base == string(filepath.Separator) {
		return ""
	}
	if ext := filepath.Ext(base); strings.EqualFold(ext, ".exe") {
		base = strings.TrimSuffix(base, ext)
	}
	return base
}

// connectorNamed finds the connector a program name stands for: its app id,
// or its app id followed by "-connector".
func connectorNamed(name string) *toolkit.Integration {
	if in, ok := toolkit.Lookup(name); ok {
		return in
	}
	if id, ok := strings.CutSuffix(name, "-connector"); ok {
		if in, ok := toolkit.Lookup(id); ok {
			return in
		}
	}
	return nil
}
