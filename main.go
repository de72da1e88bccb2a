// Command lumos runs identity-and-access connectors that speak the Lumos
// connector protocol. Run `lumos --help` for usage.
package main

import (
	"os"

	"github.com/lumosgo/lumos/cli"
	_ "github.com/lumosgo/lumos/connectors"              // registers every built-in connector
	_ "github.com/lumosgo/lumos/internal/sigcatch/early" // catches SIGINT and SIGTERM from the start (Go initialises it first of lumos's packages)
)

func main() {
	os.Exit(cli.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
