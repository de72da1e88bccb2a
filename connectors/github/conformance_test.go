package github

import (
	"testing"

	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// TestConformance runs the toolkit's conformance suite (schemas, info,
// app_info, every listing drained with tampered tokens, hostile envelopes,
// an assign/unassign round trip, secrets) against the fake.
func TestConformance(t *testing.T) {
	e := newEnv(t, envOptions{linkByID: true})
	seedRichOrg(e)
	for i := range 120 {
		e.member("dev"+pad(i), "member")
	}
	connectortest.Conformance(t, Integration(), connectortest.Options{
		Request:     map[string]any{"credentials": tokenCreds(ownerToken), "settings": e.settings(customRoles)},
		AllowWrites: true,
		PageSize:    7,
	})
}
