//go:build !lumos_runtime

package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/lumosgo/lumos/internal/scaffold"
)

// scaffoldCommand is `lumos scaffold <name> [dir]`.
type scaffoldCommand struct {
	Name   string `arg:"" name:"name" help:"The connector's app id: lower-case words joined by '-', e.g. acme-hr. Its Go package is the name with '_' (acme_hr)."`
	Dir    string `arg:"" optional:"" name:"dir" type:"path" help:"Folder for the connector's package, inside the lumos module (default: connectors/<name with '_'> of the module found from the current folder)."`
	Force  bool   `short:"f" help:"Replace an existing connector folder and registration file (their old content is deleted), even a built-in connector's. A folder holding another Go package is never replaced."`
	Module string `name:"module" placeholder:"PATH" help:"Create the connector as a Go module of its own with this module path (e.g. example.com/acme-hr-connector), in dir (default ./<name>): go.mod, a main.go building lumos plus the connector, and its package."`
}

// Run generates the connector (see package scaffold), refusing the names
// the command line reserves; it prints the package folder and the
// registration file on stdout, and what to do next on stderr.
func (c *scaffoldCommand) Run(s *Streams) error {
	cwd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("finding the current folder: %w", err)
	}
	if c.Module != "" {
		return c.runModule(s, cwd)
	}
	r, err := scaffold.Generate(scaffold.Options{Name: c.Name, Dir: c.Dir, Force: c.Force, WorkDir: cwd, Reserved: checkAppIDFree})
	var ue scaffold.UsageError
	if errors.As(err, &ue) {
		return usageError{ue.Error()}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(s.Stdout, r.Dir)
	fmt.Fprintln(s.Stdout, r.RegFile)
	fmt.Fprintf(s.Stderr, `Created the connector %[1]s (package %[2]s) in %[3]s and registered it in %[4]s.
Next:
  go test ./%[5]s/...          # its tests, against a loopback fake of the API
  go build -o lumos .            # rebuild (in %[6]s)
  ./lumos %[1]s info
  ln -s lumos %[1]s-connector && ./%[1]s-connector info
Then fill in client.go and read.go for the real API, and see write.go for write capabilities.
`, c.Name, r.Package, r.Dir, r.RegFile, r.RelDir, r.Root)
	return nil
}

// runModule generates the connector as a module of its own (--module).
func (c *scaffoldCommand) runModule(s *Streams, cwd string) error {
	if c.Force {
		return usageError{"--force does not apply with --module: the module's folder must be new or empty"}
	}
	r, err := scaffold.GenerateModule(scaffold.ModuleOptions{Name: c.Name, Module: c.Module, Dir: c.Dir, WorkDir: cwd,
		Reserved: checkAppIDFree, LumosVersion: Version()})
	var ue scaffold.UsageError
	if errors.As(err, &ue) {
		return usageError{ue.Error()}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(s.Stdout, r.Root)
	fmt.Fprintf(s.Stderr, `Created the module %[1]s in %[2]s: the connector %[3]s (package %[4]s) and a main.go building lumos with it.
Next, in %[2]s:
  go mod tidy                    # fetches lumos and its dependencies
  go test ./...                  # the connector's tests, against a loopback fake of the API
  go build -o lumos . && ./lumos %[3]s info
  ln -s lumos %[3]s-connector && ./%[3]s-connector info
`, c.Module, r.Root, c.Name, r.Package)
	return nil
}
