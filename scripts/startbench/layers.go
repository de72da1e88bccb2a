package main

import (
	"os"
	"path/filepath"
	"strings"
)

// layer is one link set of the -layers ladder: the floor built with tags
// and with blank imports of extra.
type layer struct {
	name  string
	tags  string
	extra []string
}

// allButPostgres are the build tags of every connector but PostgreSQL.
const allButPostgres = "custom,connectors.mock,connectors.mock_oauth,connectors.github,connectors.ldap,connectors.okta,connectors.scim"

// ladder goes from what compile-on-prem links for the mock connector to
// the full default binary, adding one group of packages at each step.
var ladder = []layer{
	{"on-prem build (mock)", "custom,connectors.mock,lumos_runtime", nil},
	{"+ net", "custom,connectors.mock,lumos_runtime", []string{"net"}},
	{"+ net/http", "custom,connectors.mock,lumos_runtime", []string{"net/http"}},
	{"+ go-retryablehttp", "custom,connectors.mock,lumos_runtime", []string{"github.com/hashicorp/go-retryablehttp"}},
	{"mock + github connector", "custom,connectors.mock,connectors.github,lumos_runtime", nil},
	{"every connector but postgres", allButPostgres + ",lumos_runtime", nil},
	{"every connector (runtime build)", "lumos_runtime", nil},
	{"every connector but postgres, dev commands", allButPostgres, nil},
	{"full binary (everything)", "", nil},
}

// runLayers builds the floor of every layer of the ladder and measures them
// against hello world.
func runLayers(runs int, instructions bool) error {
	dir, hello, err := workspace()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	commands := []command{hello}
	for i, l := range ladder {
		out := filepath.Join(dir, "layer", strings.Repeat("x", i+1))
		overlay, err := floorOverlay(".", out, l.extra)
		if err != nil {
			return err
		}
		flags := []string{"-overlay", overlay}
		if l.tags != "" {
			flags = append(flags, "-tags", l.tags)
		}
		bin := filepath.Join(out, "floor")
		if err := build(".", bin, "./"+floorPkg, flags...); err != nil {
			return err
		}
		commands = append(commands, command{"floor: " + l.name, []string{bin}})
	}
	return measureAndPrint(commands, runs, instructions)
}
