package mockoauth_test

import (
	"strings"
	"testing"

	"github.com/lumosgo/lumos/mock/mockoauth"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// mock-oauth passes the conformance suite with an access token. It has no
// writes, so AllowWrites changes nothing; its token is a secret the suite
// looks for in every answer.
func TestConformance(t *testing.T) {
	t.Parallel()
	report := connectortest.Conformance(t, mockoauth.Integration(), connectortest.Options{
		Request:     `{"auth":{"oauth":{"access_token":"conformance-access-token"}},"settings":{"host":"h","tenant_size":80}}`,
		AllowWrites: true,
	})
	if res, _ := report.Result("writes: assign_entitlement twice"); res.Status != conformance.Skip ||
		res.Summary != "the connector registers neither assign_entitlement nor unassign_entitlement" {
		t.Errorf("writes: %+v", res)
	}
	if res, _ := report.Result("secrets"); res.Status != conformance.Pass || !strings.HasPrefix(res.Summary, "no secret of the request in ") {
		t.Errorf("secrets: %+v", res)
	}
	if res, _ := report.Result("list_accounts: drain"); res.Summary != "80 items in 2 pages, to the end; no repeated token; no duplicate id (integration_specific_id)" {
		t.Errorf("list_accounts: drain: %+v", res)
	}
}

// An empty access token fails validate_credentials, which the report says.
func TestConformanceWithAnEmptyToken(t *testing.T) {
	t.Parallel()
	report := connectortest.Check(t.Context(), mockoauth.Integration(), connectortest.Options{
		Request: `{"auth":{"oauth":{"access_token":""}},"settings":{"host":"h","tenant_size":3}}`,
	})
	failures := report.Failures()
	if len(failures) != 1 || failures[0].Name != "validate_credentials" ||
		failures[0].Summary != "validate_credentials failed: unauthorized: mock-oauth rejects an empty access_token." {
		t.Errorf("failures: %+v\n%s", failures, report.Text())
	}
}
