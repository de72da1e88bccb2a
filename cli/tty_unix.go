//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cli

import (
	"os"
	"syscall"
	"unsafe"
)

// isTerminal reports whether f is a terminal: it must be a file whose terminal
// settings can be read (/dev/null, a character device, is no terminal). It costs one system call and no package
// beyond syscall, which the binary links anyway.
func isTerminal(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	ok := false
	// Control, unlike Fd, leaves the descriptor's blocking mode alone.
	_ = rc.Control(func(fd uintptr) {
		var t syscall.Termios
		_, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, uintptr(ioctlGetTermios), uintptr(unsafe.Pointer(&t)))
		ok = e == 0
	})
	return ok
}
