//go:build linux

package ldap_test

import (
	"bytes"
	"os/exec"
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
//   - fixed-ratio: the part of that ratio no search can win back: as many
//     validate_credentials calls as the drain made (each a process, a
//     connection, a bind and a read of the base) / ldapsearch time;
//   - binary-ms, ldapsearch-ms: the drain times (each process's own wall
//     time, see connectortest.Measure);
//   - first-call-ms, last-call-ms: the first and the last binary call (the
//     first one's search is not bounded by an id range, see README.md,
//     "Paging");
//   - fixed-call-ms: one validate_credentials call;
//   - peak-rss-MB: the largest peak RSS of one binary call;
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
	var binTime, searchTime, fixedTime time.Duration
	var firstCall, lastCall time.Duration
	var peakRSS, searchRSS int64
	calls := 0
	for b.Loop() {
		page := &toolkit.Page{Size: size}
		got := 0
		for n := 0; page != nil; n++ {
			c := runBinary(b, bin, srv, settings, page)
			binTime += c.Took
			if n == 0 {
				firstCall += c.Took
			}
			if c.Page == nil {
				lastCall += c.Took
			}
			got += c.Items
			page = c.Page
			peakRSS = max(peakRSS, c.MaxRSSKiB)
			calls++
			// the fixed cost of a call: a process, a connection, a bind, a read of the base
			fixedTime += connectortest.RunLumos(b, bin, "ldap", "validate_credentials", request(srv, settings, map[string]any{}, nil)).Took
		}
		if got != users {
			b.Fatalf("binary: %d accounts, want %d", got, users)
		}

		m := connectortest.Measure(b, bin, ldapsearch, "-LLL", "-x", "-H", srv.URL, "-D", ldaptest.AdminDN, "-w", srv.AdminPassword,
			"-b", ldaptest.PeopleDN, "-E", "pr=1000/noprompt", "(objectClass=inetOrgPerson)",
			"entryUUID", "uid", "mail", "givenName", "sn", "cn", "displayName", "userAccountControl", "pwdAccountLockedTime")
		searchTime += m.Took
		searchRSS = max(searchRSS, m.MaxRSSKiB)
		if n := bytes.Count(m.Stdout, []byte("\ndn: ")) + 1; n != users {
			b.Fatalf("ldapsearch: %d entries, want %d", n, users)
		}
	}
	b.ReportMetric(float64(binTime)/float64(searchTime), "ratio")
	b.ReportMetric(float64(fixedTime)/float64(searchTime), "fixed-ratio")
	b.ReportMetric(float64(binTime.Milliseconds())/float64(b.N), "binary-ms")
	b.ReportMetric(float64(searchTime.Milliseconds())/float64(b.N), "ldapsearch-ms")
	b.ReportMetric(float64(firstCall.Milliseconds())/float64(b.N), "first-call-ms")
	b.ReportMetric(float64(lastCall.Milliseconds())/float64(b.N), "last-call-ms")
	b.ReportMetric(float64(fixedTime.Microseconds())/1000/float64(calls), "fixed-call-ms")
	b.ReportMetric(float64(peakRSS)/1024, "peak-rss-MB")
	b.ReportMetric(float64(searchRSS)/1024, "ldapsearch-rss-MB")
}

// request is the request document of a call with the admin's credential.
func request(srv *ldaptest.Server, settings map[string]any, payload any, page *toolkit.Page) map[string]any {
	return map[string]any{
		"credentials": []any{map[string]any{"id": "basic", "basic": map[string]any{"username": ldaptest.AdminDN, "password": srv.AdminPassword}}},
		"request":     payload, "settings": settings, "page": page}
}

// runBinary runs one list_accounts call.
func runBinary(b *testing.B, bin string, srv *ldaptest.Server, settings map[string]any, page *toolkit.Page) connectortest.BinaryCall {
	b.Helper()
	return connectortest.RunLumos(b, bin, "ldap", "list_accounts", request(srv, settings, map[string]any{}, page))
}
