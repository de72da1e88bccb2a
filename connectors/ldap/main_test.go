package ldap_test

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
)

// The Samba domain of the Active Directory tests: provisioned once per
// test binary, by the first test that needs it.
var (
	adOnce sync.Once
	adSrv  *ldaptest.AD
	adErr  error
)

// startAD is the shared domain, seeded; the test fails when it cannot run.
func startAD(t testing.TB) *ldaptest.AD {
	t.Helper()
	adOnce.Do(func() {
		start := time.Now()
		adSrv, adErr = ldaptest.StartAD()
		t.Logf("Samba AD provisioned and started in %s", time.Since(start).Round(time.Second))
		if adErr == nil {
			start = time.Now()
			adErr = seedAD(adSrv)
			t.Logf("Samba AD seeded in %s", time.Since(start).Round(time.Second))
		}
	})
	if adErr != nil {
		t.Fatalf("Samba AD domain controller: %v", adErr)
	}
	return adSrv
}

func TestMain(m *testing.M) {
	code := m.Run()
	if adSrv != nil {
		adSrv.Stop()
	}
	if code != 0 && adSrv != nil && adErr != nil {
		fmt.Fprintln(os.Stderr, adSrv.Log())
	}
	os.Exit(code)
}
