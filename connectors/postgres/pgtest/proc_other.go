//go:build !unix

package pgtest

import (
	"os/exec"
	"os/user"
)

// asUser does nothing: running as another user needs a Unix system.
func asUser(*exec.Cmd, *user.User) {}

// chown does nothing outside Unix.
func chown(*user.User, ...string) error { return nil }
