//go:build !unix

package scimmytest

import "os/exec"

// newGroup does nothing where process groups are not available.
func newGroup(*exec.Cmd) {}

// killGroup kills the server process.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

// lockInstall does not lock where flock is not available.
func lockInstall(string) (func(), error) { return func() {}, nil }
