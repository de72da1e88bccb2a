// Package early starts catching SIGINT and SIGTERM when it is initialised
// (see package sigcatch), unless the command line is a plain capability
// call with its request on the command line (sigcatch.LiteralCall), which
// catches them itself once it has run for a few milliseconds. The lumos
// binary imports it for that effect alone; Go initialises it as soon as
// os/signal is, well before the connectors' packages.
package early

import (
	"os"

	"github.com/lumosgo/lumos/internal/sigcatch"
)

func init() {
	if !sigcatch.LiteralCall(os.Args) {
		sigcatch.Early()
	}
}
