package cli

import (
	"os"
	"path/filepath"
)

// onPremConnector is the app id of the only connector of a binary built by
// compile-on-prem, set with -ldflags "-X github.com/lumosgo/lumos/cli.onPremConnector=<app_id>".
var onPremConnector string

// The on-prem agent runs a bundle's executable as main (main.exe), a name
// that is no connector's: in a binary built by compile-on-prem, that name
// stands for the connector, so `main <capability> --json ...` works as the
// <app_id>-connector command does. main.go passes os.Args to Run after
// every init has run.
func init() {
	if onPremConnector != "" && len(os.Args) > 0 && programName(os.Args[0]) == "main" {
		os.Args[0] = filepath.Join(filepath.Dir(os.Args[0]), onPremConnector)
	}
}
