package pgtest

import (
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/lumosgo/lumos/toolkit/connectortest/debserver"
)

var (
	opensslOnce sync.Once
	opensslPath string
	opensslErr  error
)

// OpenSSL returns the path of the openssl command, for tests that check
// keys written by it. When it is missing, it installs Debian's openssl
// package with apt-get if the test runs as root, and otherwise fails tb
// with a message naming the package to install.
func OpenSSL(tb testing.TB) string {
	tb.Helper()
	opensslOnce.Do(func() { opensslPath, opensslErr = findOpenSSL() })
	if opensslErr != nil {
		tb.Fatalf("pgtest: %v", opensslErr)
	}
	return opensslPath
}

func findOpenSSL() (string, error) {
	return debserver.Program("openssl", []string{"openssl"})
}

// RunOpenSSL runs openssl with args, input on its standard input, and
// returns its standard output; the environment variable PGTEST_PASS holds
// pass (for -passin env:PGTEST_PASS or -passout env:PGTEST_PASS). A
// failure fails tb.
func RunOpenSSL(tb testing.TB, input, pass string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(OpenSSL(tb), args...)
	cmd.Stdin = strings.NewReader(input)
	cmd.Env = append(os.Environ(), "PGTEST_PASS="+pass)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("pgtest: openssl %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
