package debserver

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// Unprivileged (Linux only) prepares a server run from the folder dir: as root, it gives
// dir to the user u and returns process attributes that start the server as
// u; otherwise the server runs as the test's own user. Either way the
// server gets its own process group and is killed when the test process
// dies.
func Unprivileged(dir string, u *user.User) (*syscall.SysProcAttr, error) {
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if os.Geteuid() != 0 {
		return attr, nil
	}
	if u == nil {
		return nil, errors.New("debserver: a server started by root needs a user to run as")
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("debserver: the user %s has no numeric uid and gid", u.Username)
	}
	if err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	}); err != nil {
		return nil, err
	}
	attr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	return attr, nil
}
