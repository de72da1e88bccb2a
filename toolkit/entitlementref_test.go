package toolkit_test

import (
	"encoding/json"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// roundTrip decodes raw into a P, encodes it again and returns the bytes
// and the entitlement reference the payload names.
func roundTrip[P interface{ Ref() toolkit.EntitlementRef }](raw string) ([]byte, toolkit.EntitlementRef, error) {
	var p P
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return nil, toolkit.EntitlementRef{}, err
	}
	out, err := json.Marshal(p)
	return out, p.Ref(), err
}

// The entitlement payloads keep upstream's keys in upstream's order on the
// wire, though they share their fields through embedded types, and each
// gives the same reference.
func TestEntitlementPayloadsKeepKeyOrder(t *testing.T) {
	want := toolkit.EntitlementRef{AccountID: "a", ResourceType: "rt", ResourceID: "r", EntitlementType: "et", EntitlementID: "e"}
	const (
		grant      = `"account_integration_specific_id":"a","resource_integration_specific_id":"r","resource_type":"rt","entitlement_type":"et","entitlement_integration_specific_id":"e"`
		revocation = `"account_integration_specific_id":"a","resource_type":"rt","resource_integration_specific_id":"r","entitlement_type":"et","entitlement_integration_specific_id":"e"`
		app        = `"application_instance_id":"app",`
	)
	for _, tc := range []struct {
		name string
		doc  string
		run  func(string) ([]byte, toolkit.EntitlementRef, error)
	}{
		{"assign_entitlement", "{" + grant + "}", roundTrip[toolkit.AssignEntitlement]},
		{"unassign_entitlement", "{" + revocation + "}", roundTrip[toolkit.UnassignEntitlement]},
		{"assign_application_entitlement", "{" + app + grant + "}", roundTrip[toolkit.AssignApplicationEntitlement]},
		{"unassign_application_entitlement", "{" + app + revocation + "}", roundTrip[toolkit.UnassignApplicationEntitlement]},
		{"grant alone", "{" + grant + "}", roundTrip[toolkit.EntitlementGrant]},
		{"revocation alone", "{" + revocation + "}", roundTrip[toolkit.EntitlementRevocation]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			out, ref, err := tc.run(tc.doc)
			is.NoErr(err)
			is.Equal(string(out), tc.doc)
			is.Equal(ref, want)
		})
	}
}

// A reference survives the trip through either payload shape, so a
// connector builds both payloads from one value and reads one value back.
func TestEntitlementRefConversions(t *testing.T) {
	for _, ref := range []toolkit.EntitlementRef{
		{},
		{AccountID: "a", ResourceType: "team", ResourceID: "team-0", EntitlementType: "team_member", EntitlementID: "member"},
		{AccountID: "a", ResourceType: "tenant", ResourceID: "", EntitlementType: "role", EntitlementID: "admin"},
	} {
		is := is.New(t)
		is.Equal(ref.Grant().Ref(), ref)
		is.Equal(ref.Revocation().Ref(), ref)
		is.Equal(toolkit.AssignEntitlement{EntitlementGrant: ref.Grant()}.Ref(),
			toolkit.UnassignEntitlement{EntitlementRevocation: ref.Revocation()}.Ref())
		is.Equal(toolkit.AssignApplicationEntitlement{ApplicationInstanceID: "x", EntitlementGrant: ref.Grant()}.Ref(), ref)
		is.Equal(toolkit.UnassignApplicationEntitlement{ApplicationInstanceID: "x", EntitlementRevocation: ref.Revocation()}.Ref(), ref)
	}
}

type embeddedLimits struct {
	Limit int `json:"limit" description:"Items per call."`
}

type settingsWithEmbedded struct {
	Org string `json:"org" description:"The organization."`
	embeddedLimits
	Nested struct {
		embeddedLimits
	} `json:"nested" description:"More limits."`
}

// A value of the wrong type inside an embedded struct is reported at its
// JSON path: encoding/json names the embedded type, which is not on the wire.
func TestDecodeErrorPathSkipsEmbeddedStructs(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  string
		want string
	}{
		{"promoted field", `{"limit":"ten"}`, "Invalid request settings: limit: expected integer, got string"},
		{"nested promoted field", `{"nested":{"limit":true}}`, "Invalid request settings: nested.limit: expected integer, got boolean"},
		{"plain field", `{"org":1}`, "Invalid request settings: org: expected string, got number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			_, err := toolkit.DecodeSettings[settingsWithEmbedded](json.RawMessage(tc.raw))
			is.True(err != nil)
			is.Equal(err.Error(), tc.want)
		})
	}
}
