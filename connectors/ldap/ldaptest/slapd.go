// Package ldaptest starts real directory servers for the LDAP connector's
// tests and benchmark: Debian's OpenLDAP slapd on a loopback port, with a
// private configuration in a temporary folder (mdb backend, the memberof,
// refint, ppolicy and sssvlv overlays, ldap:// and ldaps:// listeners with
// a certificate made for the run).
//
// slapd is found on PATH or in /usr/sbin; when it is missing and the test
// runs as root, Debian's slapd and ldap-utils packages are installed with
// apt-get; otherwise Start fails with a message naming them. It never skips.
// Run as root, the helper starts slapd as an unprivileged user (openldap,
// or a lumos-ldap system user it creates); slapd dies with the test binary.
package ldaptest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/lumosgo/lumos/toolkit/connectortest/debserver"
)

// Names of the directory every server starts with.
const (
	BaseDN   = "dc=lumos,dc=test"
	PeopleDN = "ou=people," + BaseDN
	GroupsDN = "ou=groups," + BaseDN
	AdminDN  = "cn=admin," + BaseDN
)

// startTimeout bounds the wait for slapd to accept connections.
const startTimeout = 30 * time.Second

// Options shape a server.
type Options struct {
	// LDIF, when set, is loaded with slapadd before the server starts (the
	// fast way to seed thousands of entries; overlays do not run on it).
	// The base, people and groups entries are always there.
	LDIF string
	// NoSort leaves the sssvlv overlay out: the server cannot sort.
	NoSort bool
	// NoPPolicy leaves the ppolicy module and overlay out:
	// pwdAccountLockedTime is unknown.
	NoPPolicy bool
	// Access, when set, holds access directives (slapd.access(5)) for the
	// database; without them every entry is readable by all and writable
	// by AdminDN (the rootdn) only.
	Access string
}

// Server is a running slapd.
type Server struct {
	// URL is its ldap:// URL, LDAPSURL its ldaps:// URL (127.0.0.1).
	URL, LDAPSURL string
	// AdminPassword is the password of AdminDN (random for each server).
	AdminPassword string
	// CAPEM is the PEM certificate of the TLS listener (self-signed).
	CAPEM string
	// Dir is the server's temporary folder.
	Dir string

	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

// Start starts slapd on two free loopback ports and waits until it binds.
func Start(o Options) (*Server, error) {
	slapd, err := findOrInstall("slapd", "slapd", "ldap-utils")
	if err != nil {
		return nil, err
	}
	if _, err := findOrInstall("slapadd", "slapd", "ldap-utils"); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lumos-slapd-")
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: dir, AdminPassword: randomString(24), stderr: &bytes.Buffer{}}
	fail := func(err error) (*Server, error) { _ = os.RemoveAll(dir); return nil, err }
	certPEM, keyPEM, err := selfSigned()
	if err != nil {
		return fail(err)
	}
	s.CAPEM = string(certPEM)
	if err := os.MkdirAll(filepath.Join(dir, "db"), 0o700); err != nil {
		return fail(err)
	}
	files := map[string][]byte{"cert.pem": certPEM, "key.pem": keyPEM, "slapd.conf": []byte(config(dir, s.AdminPassword, o)),
		"seed.ldif": []byte(baseLDIF + "\n" + o.LDIF)}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return fail(err)
		}
	}
	slapadd := filepath.Join(filepath.Dir(slapd), "slapadd")
	if out, err := exec.Command(slapadd, "-q", "-f", filepath.Join(dir, "slapd.conf"), "-l", filepath.Join(dir, "seed.ldif")).CombinedOutput(); err != nil {
		return fail(fmt.Errorf("ldaptest: slapadd: %v\n%s", err, out))
	}
	args := []string{"-d", "0", "-f", filepath.Join(dir, "slapd.conf")}
	// Started as the unprivileged user (not slapd's -u, whose setuid would
	// clear the parent-death signal and leave slapd running when a test
	// binary dies): openldap (Debian's), else a lumos-ldap system user.
	var runAs *user.User
	if os.Geteuid() == 0 {
		if runAs, err = debserver.User("lumos-ldap", "openldap"); err != nil {
			return fail(fmt.Errorf("ldaptest: %w", err))
		}
	}
	attr, err := debserver.Unprivileged(dir, runAs)
	if err != nil {
		return fail(err)
	}
	ports, err := debserver.FreePorts(2)
	if err != nil {
		return fail(err)
	}
	port, tlsPort := ports[0], ports[1]
	s.URL = fmt.Sprintf("ldap://127.0.0.1:%d", port)
	s.LDAPSURL = fmt.Sprintf("ldaps://127.0.0.1:%d", tlsPort)
	args = append(args, "-h", s.URL+"/ "+s.LDAPSURL+"/")
	s.cmd = exec.Command(slapd, args...)
	s.cmd.Stderr = s.stderr
	s.cmd.Stdout = s.stderr
	s.cmd.SysProcAttr = attr
	if err := s.cmd.Start(); err != nil {
		return fail(fmt.Errorf("ldaptest: starting %s: %v", slapd, err))
	}
	if err := s.waitReady(); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Stop stops the server and removes its folder.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	_ = os.RemoveAll(s.Dir)
}

// Log is what slapd printed (for failure messages).
func (s *Server) Log() string { return s.stderr.String() }

// Dial connects to the ldap:// listener and binds as the administrator.
func (s *Server) Dial() (*ldap.Conn, error) {
	c, err := ldap.DialURL(s.URL)
	if err != nil {
		return nil, err
	}
	if err := c.Bind(AdminDN, s.AdminPassword); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// TLSConfig trusts the server's certificate.
func (s *Server) TLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(s.CAPEM))
	return &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

// waitReady waits until an administrator bind succeeds.
func (s *Server) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	for {
		c, err := s.Dial()
		if err == nil {
			c.Close()
			return nil
		}
		if s.cmd.ProcessState != nil || time.Now().After(deadline) {
			return fmt.Errorf("ldaptest: slapd did not come up at %s: %v\nslapd said:\n%s", s.URL, err, s.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// findOrInstall finds a program; as root it installs Debian's packages pkgs
// when the program is missing, and stops the services they start.
func findOrInstall(name string, pkgs ...string) (string, error) {
	p, err := debserver.Program(name, pkgs, "slapd", "samba-ad-dc", "smbd", "nmbd", "winbind")
	if err != nil {
		return "", fmt.Errorf("ldaptest: %w", err)
	}
	return p, nil
}

// config is slapd.conf for a server in dir.
func config(dir, password string, o Options) string {
	var b strings.Builder
	for _, s := range []string{"core", "cosine", "nis", "inetorgperson"} {
		fmt.Fprintf(&b, "include /etc/ldap/schema/%s.schema\n", s)
	}
	fmt.Fprintf(&b, `modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload refint
moduleload sssvlv
%[5]spidfile %[1]s/slapd.pid
argsfile %[1]s/slapd.args
TLSCertificateFile %[1]s/cert.pem
TLSCertificateKeyFile %[1]s/key.pem
sizelimit unlimited
database mdb
maxsize 1073741824
suffix "%[2]s"
rootdn "%[3]s"
rootpw "%[4]s"
directory %[1]s/db
%[6]sindex objectClass eq
index entryUUID eq
index uid eq
index member eq
index memberUid eq
overlay memberof
overlay refint
refint_attributes member uniqueMember
`, dir, BaseDN, AdminDN, password, ppolicyModule(o), accessLines(o))
	if !o.NoPPolicy {
		b.WriteString("overlay ppolicy\n")
	}
	if !o.NoSort {
		b.WriteString("overlay sssvlv\n")
	}
	return b.String()
}

// baseLDIF holds the base, people and groups entries.
const baseLDIF = `dn: ` + BaseDN + `
objectClass: dcObject
objectClass: organization
dc: lumos
o: Lumos test

dn: ` + PeopleDN + `
objectClass: organizationalUnit
ou: people

dn: ` + GroupsDN + `
objectClass: organizationalUnit
ou: groups
`

// accessLines are o.Access, ending with a newline when not empty.
func accessLines(o Options) string {
	if a := strings.TrimSpace(o.Access); a != "" {
		return a + "\n"
	}
	return ""
}

// ppolicyModule loads the ppolicy module (which brings its schema,
// pwdAccountLockedTime included) unless NoPPolicy.
func ppolicyModule(o Options) string {
	if o.NoPPolicy {
		return ""
	}
	return "moduleload ppolicy\n"
}
