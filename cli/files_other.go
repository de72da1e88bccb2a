//go:build !unix

package cli

// Without O_NOFOLLOW, openNoFollow relies on its Lstat check alone.
const (
	oNoFollow = 0
	oNonblock = 0
)
