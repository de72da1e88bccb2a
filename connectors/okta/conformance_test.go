package okta_test

import (
	"testing"

	"github.com/lumosgo/lumos/connectors/okta"
	"github.com/lumosgo/lumos/connectors/okta/oktafake"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// TestConformance runs the toolkit's conformance suite (schemas, info,
// app_info, every listing drained with tampered tokens, hostile envelopes,
// an assign/unassign round trip, secrets) against the validated fake, with
// every switch on.
func TestConformance(t *testing.T) {
	e := newEnv(t, map[string]any{"include_app_assignments": true, "include_deprovisioned": true, "page_size": 5})
	users, _, _ := seedOrg(e)
	more := e.f.AddUsers(40)
	g := e.f.AddGroup(oktafake.Group{Name: "Large"})
	for _, u := range append(users, more...) {
		e.f.AddMember(g, u)
	}
	e.f.AddUser(oktafake.User{Status: "DEPROVISIONED"})
	connectortest.Conformance(t, okta.Integration(), connectortest.Options{
		Request:     map[string]any{"credentials": e.creds, "settings": e.settings},
		AllowWrites: true,
		PageSize:    7,
	})
}
