package toolkit_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// holdings is a tiny tenant: which entitlement ids account "a1" holds.
type holdings map[string]bool

func (h holdings) change(_ context.Context, c toolkit.EntitlementChange) (toolkit.Effect, error) {
	ref := c.Request.Request
	if ref.AccountID != "a1" {
		return toolkit.Effect{}, errs.Newf(errs.NotFound, "no account %q", ref.AccountID)
	}
	held := h[ref.EntitlementID]
	h[ref.EntitlementID] = c.Grant
	switch {
	case held == c.Grant:
		return toolkit.Noop(), nil
	case c.Grant:
		return toolkit.Created(), nil
	}
	return toolkit.Deleted(), nil
}

func TestHandleEntitlementChanges(t *testing.T) {
	h := holdings{}
	in := toolkit.NewIntegration(validDeclaration("ent-demo"))
	toolkit.HandleEntitlementChanges(in, h.change, nil, []toolkit.CapabilityOption{toolkit.WithDescription("Revoke it.")})
	ref := `{"account_integration_specific_id":"%s","resource_type":"","resource_integration_specific_id":"",` +
		`"entitlement_type":"role","entitlement_integration_specific_id":"admin"}`
	body := func(account string) []byte {
		return []byte(`{"auth":{"token":{"token":"t"}},"request":` + strings.Replace(ref, "%s", account, 1) + `}`)
	}
	tests := []struct {
		capability, account string
		want                string // the response or the error code
		effect              string
	}{
		{"assign_entitlement", "a1", `{"assigned":true}`, "created"},
		{"assign_entitlement", "a1", `{"assigned":true}`, "noop"},
		{"unassign_entitlement", "a1", `{"unassigned":true}`, "deleted"},
		{"unassign_entitlement", "a1", `{"unassigned":true}`, "noop"},
		{"assign_entitlement", "nobody", "not_found", ""},
		{"unassign_entitlement", "nobody", "not_found", ""},
	}
	for _, tt := range tests {
		is := is.New(t)
		doc := in.Dispatch(context.Background(), tt.capability, body(tt.account))
		var env struct {
			Response         json.RawMessage `json:"response"`
			ExecutionSummary *struct {
				Effect struct{ Kind string } `json:"effect"`
			} `json:"execution_summary"`
			Error *toolkit.Error `json:"error"`
		}
		is.NoErr(json.Unmarshal(doc, &env))
		if env.Error != nil {
			is.Equal(string(env.Error.ErrorCode), tt.want)
			is.Equal(*env.Error.RaisedIn, "toolkit_test:"+tt.capability) // the changer's package, not the toolkit's
			continue
		}
		is.Equal(string(env.Response), tt.want)
		is.Equal(env.ExecutionSummary.Effect.Kind, tt.effect)
	}
	is := is.New(t)
	is.Equal(in.Summary("unassign_entitlement"), "Revoke it.")
	msg := panicMessage(func() {
		toolkit.HandleEntitlementChanges(toolkit.NewIntegration(validDeclaration("ent-nil")), nil, nil, nil)
	})
	is.True(strings.Contains(msg, "handler is nil"))
}
