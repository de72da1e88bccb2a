// Package squidtest starts a real forward proxy for tests: Debian's Squid
// on a loopback port, with a configuration written for the test in a
// temporary folder. It resolves host names only from a hosts file the test
// gives (Squid's hosts_file directive), so an upstream can have a
// non-loopback name, such as ghes.lumos.test, that only the proxy knows;
// Go never sends requests for loopback addresses through a proxy.
//
// squid is found on PATH or in /usr/sbin; when it is missing and the test
// runs as root, Debian's squid package is installed with apt-get (and the
// service the package starts is stopped); otherwise Start fails with a
// message naming the package. It never skips. Run as root, Squid runs as
// the unprivileged user proxy (Debian's), else nobody; it dies with the
// test binary.
//
// The package builds on Linux only (it uses Linux process attributes).
package squidtest
