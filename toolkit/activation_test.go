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

// switches is a tiny tenant: whether each known account is on.
type switches map[string]bool

func (s switches) change(_ context.Context, c toolkit.AccountActivation) (toolkit.Effect, toolkit.AccountStatus, error) {
	id := c.Request.Request.AccountID
	on, known := s[id]
	if !known {
		return toolkit.Effect{}, "", errs.Newf(errs.NotFound, "no account %q", id)
	}
	s[id] = c.Activate
	status := toolkit.AccountStatusSuspended
	if c.Activate {
		status = toolkit.AccountStatusActive
	}
	if on == c.Activate {
		return toolkit.Noop(), status, nil
	}
	return toolkit.Updated(), status, nil
}

func TestHandleAccountActivation(t *testing.T) {
	s := switches{"a1": true}
	in := toolkit.NewIntegration(validDeclaration("activation-demo"))
	toolkit.HandleAccountActivation(in, s.change, nil, []toolkit.CapabilityOption{toolkit.WithDescription("Turn it off.")})
	body := func(account string) []byte {
		return []byte(`{"auth":{"token":{"token":"t"}},"request":{"account_id":"` + account + `"}}`)
	}
	tests := []struct {
		capability, account string
		want                string // the response or the error code
		effect              string
	}{
		{"deactivate_account", "a1", `{"status":"SUSPENDED","deactivated":true}`, "updated"},
		{"deactivate_account", "a1", `{"status":"SUSPENDED","deactivated":true}`, "noop"},
		{"activate_account", "a1", `{"status":"ACTIVE","activated":true}`, "updated"},
		{"activate_account", "a1", `{"status":"ACTIVE","activated":true}`, "noop"},
		{"activate_account", "nobody", "not_found", ""},
		{"deactivate_account", "nobody", "not_found", ""},
	}
	for _, tt := range tests {
		is := is.New(t)
		doc := in.Dispatch(context.Background(), tt.capability, body(tt.account))
		var env struct {
			Response         json.RawMessage `json:"response"`
			ExecutionSummary *struct {
				Effect      struct{ Kind string } `json:"effect"`
				Fingerprint string                `json:"request_fingerprint"`
				Idempotent  bool                  `json:"is_idempotent"`
			} `json:"execution_summary"`
			Error *toolkit.Error `json:"error"`
		}
		is.NoErr(json.Unmarshal(doc, &env))
		if env.Error != nil {
			is.Equal(string(env.Error.ErrorCode), tt.want)
			is.Equal(*env.Error.RaisedIn, "toolkit_test:"+tt.capability) // the activator's package, not the toolkit's
			continue
		}
		is.Equal(string(env.Response), tt.want)
		is.Equal(env.ExecutionSummary.Effect.Kind, tt.effect)
		is.True(env.ExecutionSummary.Idempotent)
		// the fingerprint is the payload's own, as a handler of the capability would give
		want, err := toolkit.Fingerprint(toolkit.ActivateAccount{AccountID: tt.account})
		is.NoErr(err)
		if tt.capability == "deactivate_account" {
			want, err = toolkit.Fingerprint(toolkit.DeactivateAccount{AccountID: tt.account})
			is.NoErr(err)
		}
		is.Equal(env.ExecutionSummary.Fingerprint, want)
	}
	is := is.New(t)
	is.Equal(in.Summary("deactivate_account"), "Turn it off.")
	msg := panicMessage(func() {
		toolkit.HandleAccountActivation(toolkit.NewIntegration(validDeclaration("activation-nil")), nil, nil, nil)
	})
	is.True(strings.Contains(msg, "handler is nil"))
}
