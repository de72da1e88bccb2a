//go:build linux

package ldap_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// BenchmarkGroupContainers measures what group_containers_as_resources
// costs, through the built binary, against slapd holding 5,000 groups in
// 100 OUs below the groups base (50 each, one member each). In the same
// iteration it drains list_entitlements (Lumos pages of 1,000) with the
// setting off (the baseline) and on, and lists the resources with it on.
// It reports:
//
//   - ratio: the drain's time with the setting on / off;
//   - off-ms, on-ms: the two drains;
//   - resources-ms: one list_resources call listing the 100 OUs (it reads
//     every group's DN).
//
// Run it with
//
//	go test ./connectors/ldap -run '^$' -bench GroupContainers -benchtime 5x
func BenchmarkGroupContainers(b *testing.B) {
	const ous, per, size = 100, 50, 1000
	var ldif strings.Builder
	ldif.WriteString(ldaptest.PeopleLDIF("u", 1))
	for i := range ous {
		dn := fmt.Sprintf("ou=t%03d,%s", i, ldaptest.GroupsDN)
		ldif.WriteString(ouLDIF(dn))
		for j := range per {
			ldif.WriteString(groupIn(dn, fmt.Sprintf("g%03d-%02d", i, j), "u00000"))
		}
	}
	bin := connectortest.BuildLumos(b)
	srv, err := ldaptest.Start(ldaptest.Options{LDIF: ldif.String()})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	settings := func(on bool) map[string]any {
		return map[string]any{"url": srv.URL, "base_dn": ldaptest.BaseDN, "users_base_dn": ldaptest.PeopleDN, "groups_base_dn": ldaptest.GroupsDN,
			"page_size": size, "group_containers_as_resources": on}
	}
	drain := func(on bool) time.Duration {
		var took time.Duration
		got := 0
		for page := (&toolkit.Page{Size: size}); page != nil; {
			c := connectortest.RunLumos(b, bin, "ldap", "list_entitlements", request(srv, settings(on), map[string]any{}, page))
			took += c.Took
			got += c.Items
			page = c.Page
		}
		if got != ous*per {
			b.Fatalf("list_entitlements (setting %t): %d groups, want %d", on, got, ous*per)
		}
		return took
	}
	var off, on, resources time.Duration
	for b.Loop() {
		off += drain(false)
		on += drain(true)
		c := connectortest.RunLumos(b, bin, "ldap", "list_resources", request(srv, settings(true), map[string]any{}, &toolkit.Page{Size: size}))
		if c.Items != ous+1 {
			b.Fatalf("list_resources: %d resources, want %d", c.Items, ous+1)
		}
		resources += c.Took
	}
	b.ReportMetric(float64(on)/float64(off), "ratio")
	b.ReportMetric(float64(off.Milliseconds())/float64(b.N), "off-ms")
	b.ReportMetric(float64(on.Milliseconds())/float64(b.N), "on-ms")
	b.ReportMetric(float64(resources.Microseconds())/1000/float64(b.N), "resources-ms")
}
