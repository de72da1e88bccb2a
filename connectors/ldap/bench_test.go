//go:build linux

package ldap_test

import (
	"bytes"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// BenchmarkDrainBinary drains list_accounts of 20,000 people from slapd
// through the built binary (`lumos ldap list_accounts --json …`, one
// process per Lumos page of 1,000, LDAP page size 1,000), and in the same
// iteration the same entries with `ldapsearch -E pr=1000/noprompt` (one
// process, the paged results control, the same attributes). It reports:
//
//   - ratio: binary drain time / ldapsearch time (goal ≤ 1.3);
//   - binary-ms, ldapsearch-ms: the drain times;
//   - first-call-ms, last-call-ms: the first and the last binary call (the
//     first one's search is not bounded by an id range, see README.md,
//     "Paging");
//   - peak-rss-MB: the largest peak RSS of one binary call (Maxrss);
//   - ldapsearch-rss-MB: the peak RSS of the ldapsearch process.
//
// Run it with
//
//	go test ./connectors/ldap -run '^$' -bench DrainBinary -benchtime 3x
func BenchmarkDrainBinary(b *testing.B) {
	const users, size = 20_000, 1000
	ldapsearch, err := exec.LookPath("ldapsearch")
	if err != nil {
		b.Fatalf("ldapsearch is needed for the baseline: install Debian's ldap-utils (%v)", err)
	}
	bin := connectortest.BuildLumos(b)
	srv, err := ldaptest.Start(ldaptest.Options{LDIF: ldaptest.PeopleLDIF("u", users)})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	settings := map[string]any{"url": srv.URL, "base_dn": ldaptest.BaseDN, "users_base_dn": ldaptest.PeopleDN, "page_size": size}
	var binTime, searchTime time.Duration
	var firstCall, lastCall time.Duration
	var peakRSS, searchRSS int64
	for b.Loop() {
		page := &toolkit.Page{Size: size}
		got := 0
		start := time.Now()
		for calls := 0; page != nil; calls++ {
			callStart := time.Now()
			n, next, rss := runBinary(b, bin, srv, settings, page)
			if calls == 0 {
				firstCall += time.Since(callStart)
			}
			if next == nil {
				lastCall += time.Since(callStart)
			}
			got += n
			page = next
			peakRSS = max(peakRSS, rss)
		}
		binTime += time.Since(start)
		if got != users {
			b.Fatalf("binary: %d accounts, want %d", got, users)
		}

		start = time.Now()
		cmd := exec.Command(ldapsearch, "-LLL", "-x", "-H", srv.URL, "-D", ldaptest.AdminDN, "-w", srv.AdminPassword,
			"-b", ldaptest.PeopleDN, "-E", "pr=1000/noprompt", "(objectClass=inetOrgPerson)",
			"entryUUID", "uid", "mail", "givenName", "sn", "cn", "displayName", "userAccountControl", "pwdAccountLockedTime")
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			b.Fatalf("ldapsearch: %v", err)
		}
		searchTime += time.Since(start)
		searchRSS = max(searchRSS, maxRSS(cmd))
		if n := bytes.Count(out.Bytes(), []byte("\ndn: ")) + 1; n != users {
			b.Fatalf("ldapsearch: %d entries, want %d", n, users)
		}
	}
	b.ReportMetric(float64(binTime)/float64(searchTime), "ratio")
	b.ReportMetric(float64(binTime.Milliseconds())/float64(b.N), "binary-ms")
	b.ReportMetric(float64(searchTime.Milliseconds())/float64(b.N), "ldapsearch-ms")
	b.ReportMetric(float64(firstCall.Milliseconds())/float64(b.N), "first-call-ms")
	b.ReportMetric(float64(lastCall.Milliseconds())/float64(b.N), "last-call-ms")
	b.ReportMetric(float64(peakRSS)/1024, "peak-rss-MB")
	b.ReportMetric(float64(searchRSS)/1024, "ldapsearch-rss-MB")
}

// maxRSS is a finished child's peak RSS in KiB.
func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

// runBinary runs one list_accounts call and returns the number of
// accounts, the next page and the process's peak RSS in KiB.
func runBinary(b *testing.B, bin string, srv *ldaptest.Server, settings map[string]any, page *toolkit.Page) (int, *toolkit.Page, int64) {
	b.Helper()
	c := connectortest.RunLumos(b, bin, "ldap", "list_accounts", map[string]any{
		"credentials": []any{map[string]any{"id": "basic", "basic": map[string]any{"username": ldaptest.AdminDN, "password": srv.AdminPassword}}},
		"request":     map[string]any{}, "settings": settings, "page": page})
	return c.Items, c.Page, c.MaxRSSKiB
}
