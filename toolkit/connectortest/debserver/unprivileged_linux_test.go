package debserver_test

import (
	"os"
	"os/user"
	"strconv"
	"syscall"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/connectortest/debserver"
)

// Unprivileged gives a new process group that dies with the test, and as
// root hands the folder to the user and runs as it.
func TestUnprivileged(t *testing.T) {
	is := is.New(t)
	dir := t.TempDir()
	is.NoErr(os.WriteFile(dir+"/f", []byte("x"), 0o600))
	if os.Geteuid() != 0 {
		attr, err := debserver.Unprivileged(dir, nil)
		is.NoErr(err)
		is.True(attr.Setpgid && attr.Credential == nil)
		return
	}
	nobody, err := user.Lookup("nobody")
	is.NoErr(err)
	attr, err := debserver.Unprivileged(dir, nobody)
	is.NoErr(err)
	is.True(attr.Setpgid)
	is.Equal(strconv.Itoa(int(attr.Credential.Uid)), nobody.Uid) // runs as the user
	st, err := os.Stat(dir + "/f")
	is.NoErr(err)
	is.Equal(strconv.Itoa(int(st.Sys().(*syscall.Stat_t).Uid)), nobody.Uid) // the folder is the user's
	_, err = debserver.Unprivileged(dir, nil)
	is.True(err != nil) // root needs a user to run as
}
