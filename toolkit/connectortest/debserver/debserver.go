// Package debserver is the shared part of the tests that start real
// servers from Debian's packages (slapd, Samba, PostgreSQL, Squid,
// HAProxy): finding a program or installing its package, picking free
// loopback ports, and running a server as an unprivileged user in a
// temporary folder.
//
// A missing program is installed with apt-get only when the test runs as
// root; otherwise the error names the packages to install, so a test that
// cannot get its server fails saying what is missing and never skips.
package debserver

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// installTimeout bounds one apt-get run (update and install).
const installTimeout = 10 * time.Minute

// installing serializes this process's apt-get runs; apt-get waits for the
// dpkg lock of other processes' (DPkg::Lock::Timeout).
var installing sync.Mutex

// Look finds the program name on PATH or in /usr/sbin (where Debian puts
// daemons, often outside a user's PATH).
func Look(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	p := filepath.Join("/usr/sbin", name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s is not installed (not on PATH nor in /usr/sbin)", name)
	}
	return p, nil
}

// Program finds the program name (see Look). When it is missing and the
// test runs as root, it installs Debian's packages pkgs with apt-get, stops
// the services stop that the packages start on installation (the tests
// start their own servers), and looks again; otherwise the error names the
// packages to install.
func Program(name string, pkgs []string, stop ...string) (string, error) {
	if p, err := Look(name); err == nil {
		return p, nil
	}
	if err := Install(pkgs, stop...); err != nil {
		return "", fmt.Errorf("%s is not installed: %w", name, err)
	}
	p, err := Look(name)
	if err != nil {
		return "", fmt.Errorf("%s is still missing after apt-get install %s", name, strings.Join(pkgs, " "))
	}
	return p, nil
}

// Install installs Debian's packages pkgs with apt-get and then stops the
// services stop, when the test runs as root; otherwise, or without
// apt-get, the error says which packages to install.
func Install(pkgs []string, stop ...string) error {
	list := strings.Join(pkgs, " ")
	if os.Geteuid() != 0 {
		return fmt.Errorf("install Debian's packages %s (apt-get install %s) and run the tests again", list, list)
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("apt-get is missing: install the packages %s and run the tests again", list)
	}
	installing.Lock()
	defer installing.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	script := "apt-get -o DPkg::Lock::Timeout=300 update -qq && apt-get -o DPkg::Lock::Timeout=300 install -y -qq " + list + "; rc=$?"
	for _, s := range stop {
		script += "; service " + s + " stop >/dev/null 2>&1"
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", script+"; exit $rc")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("installing Debian's packages %s with apt-get failed (%v): %s", list, err, tail(out))
	}
	return nil
}

// tail is the end of a command's output, for error messages.
func tail(out []byte) string {
	const most = 2000
	if len(out) > most {
		out = out[len(out)-most:]
	}
	return strings.TrimSpace(string(out))
}

// FreePorts returns n distinct loopback TCP ports that were free when
// asked (held together, so they differ).
func FreePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// FreePort returns one loopback TCP port that was free when asked.
func FreePort() (int, error) {
	ports, err := FreePorts(1)
	if err != nil {
		return 0, err
	}
	return ports[0], nil
}

// User returns the first of the users names that exists. When none does and
// create is not empty, it creates create as a system user (with its own
// group, no home, no login shell) and returns it.
func User(create string, names ...string) (*user.User, error) {
	for _, name := range append(names, create) {
		if name == "" {
			continue
		}
		if u, err := user.Lookup(name); err == nil {
			return u, nil
		}
	}
	if create == "" {
		return nil, fmt.Errorf("none of the users %s exists", strings.Join(names, ", "))
	}
	out, err := exec.Command("useradd", "--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", create).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("creating the user %s with useradd failed: %v: %s", create, err, tail(out))
	}
	return user.Lookup(create)
}
