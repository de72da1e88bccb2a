package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
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
	if p, err := exec.LookPath("openssl"); err == nil {
		return p, nil
	}
	if os.Geteuid() != 0 {
		return "", errors.New("the openssl command was not found: install Debian's openssl package (apt-get install openssl) and run the tests again")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return "", errors.New("the openssl command is missing and so is apt-get: install the openssl package and run the tests again")
	}
	out, err := exec.Command("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("installing Debian's openssl package with apt-get failed (%v): %s", err, tail(out))
	}
	return exec.LookPath("openssl")
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
