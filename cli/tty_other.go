//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package cli

import "os"

// isTerminal reports false: on this system lumos does not detect terminals.
func isTerminal(*os.File) bool { return false }
