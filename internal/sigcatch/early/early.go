// Package early starts catching SIGINT and SIGTERM when it is initialised
// (see package sigcatch). The lumos binary imports it for that effect
// alone; Go initialises it as soon as os/signal is, well before the
// connectors' packages.
package early

import "github.com/lumosgo/lumos/internal/sigcatch"

func init() { sigcatch.Early() }
