//go:build unix

package cli

import "syscall"

// Flags that keep opening a file from following a symbolic link in the
// last element of its path, and from waiting for the other end of a FIFO.
const (
	oNoFollow = syscall.O_NOFOLLOW
	oNonblock = syscall.O_NONBLOCK
)
