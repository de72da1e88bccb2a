package ldaptest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	gonet "net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// The Active Directory domain every Samba server is provisioned with.
const (
	ADRealm  = "LUMOS.TEST"
	ADDomain = "LUMOS"
	ADBaseDN = "DC=lumos,DC=test"
	// ADAdmin is the administrator's user principal name (a bind name AD accepts).
	ADAdmin = "Administrator@lumos.test"
)

// adStartTimeout bounds the wait for samba to answer on ldaps.
const adStartTimeout = 90 * time.Second

// AD is a running Samba Active Directory domain controller in a network
// namespace of its own, reached from the test over a veth pair.
type AD struct {
	// URL is its ldap:// URL and LDAPSURL its ldaps:// URL (a 10.213.x.2
	// address: the far end of the veth pair). Samba refuses simple binds
	// without TLS, so tests use LDAPSURL.
	URL, LDAPSURL string
	// AdminPassword is the password of ADAdmin (random for each domain).
	AdminPassword string
	// CAPEM is the certificate of the TLS listener (self-signed, naming
	// the listener's address).
	CAPEM string
	// Dir is the provisioned folder.
	Dir string

	netns  string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

// StartAD provisions a Samba AD domain (samba-tool domain provision, DNS
// backend NONE) in a temporary folder and runs samba in a private network
// namespace, so its fixed ports (389, 636, 88, …) collide with nothing.
// It needs root (network namespaces, and samba itself); when samba is
// missing it installs Debian's samba and ldap-utils packages with apt-get.
// Provisioning takes 20–90 s: start one domain per test binary.
func StartAD() (*AD, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("ldaptest: the Samba AD domain controller needs root (network namespaces, samba); run the tests as root (CI does)")
	}
	if _, err := findOrInstall("samba-tool", "samba", "ldap-utils"); err != nil {
		return nil, err
	}
	samba, err := findOrInstall("samba", "samba", "ldap-utils")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "lumos-samba-")
	if err != nil {
		return nil, err
	}
	pid := os.Getpid()
	net := fmt.Sprintf("10.213.%d", pid%250)
	a := &AD{Dir: dir, AdminPassword: "Lm-" + randomString(12) + "-9aZ!", netns: fmt.Sprintf("lumos-ad-%d", pid), stderr: &bytes.Buffer{},
		URL: "ldap://" + net + ".2", LDAPSURL: "ldaps://" + net + ".2"}
	if err := a.network(net, pid); err != nil {
		a.Stop()
		return nil, err
	}
	// Samba's own certificate has a random serial number that is negative
	// half the time, which Go refuses: it gets one made here instead.
	certPEM, keyPEM, err := selfSigned(gonet.ParseIP(net + ".2"))
	if err != nil {
		a.Stop()
		return nil, err
	}
	a.CAPEM = string(certPEM)
	tlsDir := filepath.Join(dir, "tls")
	if err := os.MkdirAll(tlsDir, 0o700); err != nil {
		a.Stop()
		return nil, err
	}
	for name, b := range map[string][]byte{"cert.pem": certPEM, "key.pem": keyPEM} {
		if err := os.WriteFile(filepath.Join(tlsDir, name), b, 0o600); err != nil {
			a.Stop()
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	prov := exec.CommandContext(ctx, "samba-tool", "domain", "provision", "--realm="+ADRealm, "--domain="+ADDomain,
		"--server-role=dc", "--dns-backend=NONE", "--use-rfc2307", "--adminpass="+a.AdminPassword, "--targetdir="+dir,
		"--option=interfaces=lo "+net+".2/30", "--option=bind interfaces only=yes",
		"--option=server services=rpc, ldap, cldap, kdc", "--option=log file="+filepath.Join(dir, "log.%m"),
		"--option=ldb:nosync=true", // a throwaway domain: no fsync per write
		// run-time files in the domain's own folder, not /run/samba: two test binaries (or CI and a
		// developer's run) each start their own domain controller
		"--option=pid directory="+filepath.Join(dir, "run"), "--option=ncalrpc dir="+filepath.Join(dir, "run", "ncalrpc"),
		"--option=winbindd socket directory="+filepath.Join(dir, "run", "winbindd"),
		"--option=tls enabled=yes", "--option=tls keyfile="+filepath.Join(tlsDir, "key.pem"),
		"--option=tls certfile="+filepath.Join(tlsDir, "cert.pem"), "--option=tls cafile="+filepath.Join(tlsDir, "cert.pem"))
	if out, err := prov.CombinedOutput(); err != nil {
		a.Stop()
		return nil, fmt.Errorf("ldaptest: samba-tool domain provision: %v\n%s", err, tail(out))
	}
	a.cmd = exec.Command("ip", "netns", "exec", a.netns, samba, "-i", "-s", filepath.Join(dir, "etc", "smb.conf"))
	a.cmd.Stdout, a.cmd.Stderr = a.stderr, a.stderr
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := a.cmd.Start(); err != nil {
		a.Stop()
		return nil, fmt.Errorf("ldaptest: starting samba: %v", err)
	}
	if err := a.waitReady(); err != nil {
		a.Stop()
		return nil, err
	}
	return a, nil
}

// network makes the namespace and the veth pair net.1 (here) – net.2 (there).
func (a *AD) network(net string, pid int) error {
	here, there := fmt.Sprintf("lad%da", pid), fmt.Sprintf("lad%db", pid)
	steps := [][]string{
		{"netns", "add", a.netns},
		{"link", "add", here, "type", "veth", "peer", "name", there},
		{"link", "set", there, "netns", a.netns},
		{"addr", "add", net + ".1/30", "dev", here},
		{"link", "set", here, "up"},
		{"netns", "exec", a.netns, "ip", "addr", "add", net + ".2/30", "dev", there},
		{"netns", "exec", a.netns, "ip", "link", "set", there, "up"},
		{"netns", "exec", a.netns, "ip", "link", "set", "lo", "up"},
	}
	for _, s := range steps {
		if out, err := exec.Command("ip", s...).CombinedOutput(); err != nil {
			return fmt.Errorf("ldaptest: ip %s: %v %s", strings.Join(s, " "), err, out)
		}
	}
	return nil
}

// Stop stops samba, removes the namespace (and with it the veth pair) and
// the folder.
func (a *AD) Stop() {
	if a.cmd != nil && a.cmd.Process != nil {
		_ = syscall.Kill(-a.cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = a.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-a.cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	// Anything samba left in the namespace goes with it.
	if out, err := exec.Command("ip", "netns", "pids", a.netns).Output(); err == nil {
		for _, p := range strings.Fields(string(out)) {
			var n int
			if _, err := fmt.Sscan(p, &n); err == nil && n > 0 {
				_ = syscall.Kill(n, syscall.SIGKILL)
			}
		}
	}
	_ = exec.Command("ip", "netns", "del", a.netns).Run()
	_ = os.RemoveAll(a.Dir)
}

// Log is what samba printed.
func (a *AD) Log() string { return a.stderr.String() }

// Dial connects over ldaps, trusting CAPEM, and binds as the administrator.
func (a *AD) Dial() (*ldap.Conn, error) {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(a.CAPEM))
	c, err := ldap.DialURL(a.LDAPSURL, ldap.DialWithTLSConfig(&tls.Config{RootCAs: pool}))
	if err != nil {
		return nil, err
	}
	if err := c.Bind(ADAdmin, a.AdminPassword); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (a *AD) waitReady() error {
	deadline := time.Now().Add(adStartTimeout)
	for {
		c, err := a.Dial()
		if err == nil {
			c.Close()
			return nil
		}
		if a.cmd.ProcessState != nil || time.Now().After(deadline) {
			return fmt.Errorf("ldaptest: samba did not answer at %s: %v\nsamba said:\n%s", a.LDAPSURL, err, a.Log())
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// tail is the end of a long output.
func tail(b []byte) string {
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
