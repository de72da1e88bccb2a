package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/lumosgo/lumos/toolkit"
)

// connectorsCommand groups the commands about the built-in connectors.
type connectorsCommand struct {
	List listCommand `cmd:"" help:"List the built-in connectors."`
	Link linkCommand `cmd:"" help:"Create an <app_id>-connector symlink to this binary for every connector, so each runs as its own command."`
}

// listCommand prints the registered connectors.
type listCommand struct {
	JSON bool `name:"json" help:"Print a JSON array instead of a table."`
}

// connectorSummary is one connector in `connectors list --json`.
type connectorSummary struct {
	AppID            string                   `json:"app_id"`
	Version          string                   `json:"version"`
	UserFriendlyName string                   `json:"user_friendly_name"`
	Description      string                   `json:"description"`
	Capabilities     []toolkit.CapabilityName `json:"capabilities"`
}

// Run prints the connectors, sorted by app id.
func (l *listCommand) Run(s *Streams) error {
	ins := toolkit.Integrations()
	if l.JSON {
		out := make([]connectorSummary, 0, len(ins))
		for _, in := range ins {
			d := in.Declaration().Description
			out = append(out, connectorSummary{in.AppID(), in.Version(), d.UserFriendlyName, d.Description, in.Capabilities()})
		}
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		_, err = s.Stdout.Write(append(b, '\n'))
		return err
	}
	w := tabwriter.NewWriter(s.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "APP ID\tVERSION\tCAPABILITIES\tNAME")
	for _, in := range ins {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", in.AppID(), in.Version(), len(in.Capabilities()), in.Declaration().Description.UserFriendlyName)
	}
	return w.Flush()
}

// linkCommand creates the busybox symlinks.
type linkCommand struct {
	Dir   string `arg:"" name:"dir" help:"Folder to create the links in; it must exist."`
	Force bool   `help:"Replace existing symlinks of the same name (never regular files)."`
}

// Run creates <dir>/<app_id>-connector → this executable for every connector
// and prints each link's path.
func (l *linkCommand) Run(s *Streams) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this executable: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return fmt.Errorf("finding this executable: %w", err)
	}
	if st, err := os.Stat(l.Dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not an existing folder", l.Dir)
	}
	for _, in := range toolkit.Integrations() {
		link := filepath.Join(l.Dir, in.AppID()+"-connector")
		if st, err := os.Lstat(link); err == nil {
			if !l.Force || st.Mode()&fs.ModeSymlink == 0 {
				return fmt.Errorf("%s already exists; use --force to replace a symlink", link)
			}
			if err := os.Remove(link); err != nil {
				return err
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err := os.Symlink(exe, link); err != nil {
			return fmt.Errorf("linking %s: %w", link, err)
		}
		fmt.Fprintln(s.Stdout, link)
	}
	return nil
}
