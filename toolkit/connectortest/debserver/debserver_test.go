package debserver_test

import (
	"net"
	"os"
	"os/user"
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/connectortest/debserver"
)

// FreePorts gives distinct ports that can be listened on.
func TestFreePorts(t *testing.T) {
	is := is.New(t)
	ports, err := debserver.FreePorts(3)
	is.NoErr(err)
	is.Equal(len(ports), 3)
	seen := map[int]bool{}
	for _, p := range ports {
		is.True(!seen[p]) // distinct
		seen[p] = true
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		is.NoErr(err) // free
		l.Close()
	}
}

// Look and Program find installed programs, on PATH or in /usr/sbin,
// without installing anything; a program that no package provides is an
// error naming it.
func TestLookAndProgram(t *testing.T) {
	is := is.New(t)
	p, err := debserver.Program("sh", []string{"dash"})
	is.NoErr(err)
	is.True(strings.HasSuffix(p, "/sh"))
	t.Setenv("PATH", "/nonexistent")
	if _, err := os.Stat("/usr/sbin/useradd"); err == nil {
		p, err := debserver.Look("useradd") // not on PATH, in /usr/sbin
		is.NoErr(err)
		is.Equal(p, "/usr/sbin/useradd")
	}
	_, err = debserver.Look("lumos-no-such-program")
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), "lumos-no-such-program"))
}

// User returns the first user that exists, and says which it looked for
// when none does and none may be created.
func TestUser(t *testing.T) {
	is := is.New(t)
	root, err := user.Current()
	is.NoErr(err)
	u, err := debserver.User("", "lumos-no-such-user", root.Username)
	is.NoErr(err)
	is.Equal(u.Uid, root.Uid)
	_, err = debserver.User("", "lumos-no-such-user")
	is.True(err != nil)
	is.True(strings.Contains(err.Error(), "lumos-no-such-user"))
}
