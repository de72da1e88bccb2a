//go:build !lumos_runtime

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/lumosgo/lumos/internal/bundle"
	"github.com/lumosgo/lumos/toolkit"
)

// compileCommand is `lumos compile-on-prem`.
type compileCommand struct {
	Connector        string   `required:"" aliases:"app-id" placeholder:"APP_ID" help:"App id of the connector to compile (see lumos connectors list); --app-id, as connector-py names it, works too."`
	RootModuleDir    string   `name:"connector-root-module-dir" type:"path" placeholder:"DIR" help:"A folder inside the lumos module to build from (default: the current folder); connector-py's flag of the same name."`
	OS               string   `name:"os" placeholder:"GOOS" help:"Target operating system, as Go names it: linux, windows, darwin... (default: this machine's)."`
	Arch             string   `name:"arch" placeholder:"GOARCH" help:"Target architecture, as Go names it: amd64, arm64... (default: this machine's)."`
	OutputDirectory  string   `name:"output-directory" type:"path" placeholder:"DIR" help:"Folder for the bundle (default: ./compiled/<app_id>-<timestamp>/)."`
	DataFiles        []string `name:"data-file" placeholder:"PATH" sep:"none" help:"A file to ship beside the executable, relative to the module folder (--connector-root-module-dir or the current folder); it keeps that path in the archive. Repeatable."`
	ConnectorVersion string   `name:"connector-version" placeholder:"VERSION" help:"Version to write into the bundle's name and metadata.toml (default: the connector's declared version). (--version is lumos's own flag.)"`
}

// Run builds the bundle (see package bundle). The archive's path goes to
// stdout, progress to stderr.
func (c *compileCommand) Run(ctx context.Context, s *Streams) error {
	version := c.ConnectorVersion
	in, known := toolkit.Lookup(c.Connector)
	if !known && version == "" {
		return usageError{fmt.Sprintf("unknown connector %q; this lumos has %s (after adding a connector, rebuild lumos, or pass --connector-version)",
			c.Connector, connectorList())}
	}
	if version == "" {
		version = in.Version()
	}
	cwd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("finding the current folder: %w", err)
	}
	if c.RootModuleDir != "" {
		cwd = c.RootModuleDir
	}
	archive, err := bundle.Build(ctx, bundle.Options{
		AppID:           c.Connector,
		Version:         version,
		CheckVersion:    c.ConnectorVersion == "",
		Registered:      known,
		GOOS:            c.OS,
		GOARCH:          c.Arch,
		OutputDirectory: c.OutputDirectory,
		WorkDir:         cwd,
		DataFiles:       c.DataFiles,
	}, s.Stderr)
	var ue bundle.UsageError
	if errors.As(err, &ue) {
		return usageError{ue.Error()}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(s.Stdout, archive)
	return nil
}

// connectorList names the registered connectors for error messages.
func connectorList() string {
	var ids []string
	for _, in := range toolkit.Integrations() {
		ids = append(ids, in.AppID())
	}
	if len(ids) == 0 {
		return "no connectors"
	}
	return "the connectors " + strings.Join(ids, ", ")
}
