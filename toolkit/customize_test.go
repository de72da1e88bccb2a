package toolkit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// githubInvite extends the standard create_account payload with a field of its own.
type githubInvite struct {
	toolkit.CreateAccount
	Role string `json:"role" description:"The organization role to invite as."`
}

// createdWithURL extends the standard result.
type createdWithURL struct {
	toolkit.CreatedAccount
	InvitationURL *string `json:"invitation_url" description:"Where the invitation can be accepted."`
}

// retypedEntitlements changes a standard field's JSON type.
type retypedEntitlements struct {
	Entitlements string `json:"entitlements"`
}

type optionalUpdateID struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func TestCustomizedCreateAccount(t *testing.T) {
	is := is.New(t)
	in := toolkit.NewIntegration(validDeclaration("customized"))
	toolkit.HandleExtended(in, toolkit.CapCreateAccount, func(_ context.Context, req toolkit.Request[githubInvite]) (toolkit.Response[createdWithURL], error) {
		out := createdWithURL{CreatedAccount: toolkit.CreatedAccount{ID: req.Request.Email, Status: toolkit.AccountStatusPending, Created: true},
			InvitationURL: toolkit.Ptr("https://example.com/invite/" + req.Request.Role)}
		sum, err := toolkit.Summarize(req.Request, toolkit.Created(), true)
		return toolkit.Response[createdWithURL]{Response: out, ExecutionSummary: sum}, err
	})
	doc := string(in.Dispatch(context.Background(), "create_account", []byte(
		`{"auth":{"token":{"token":"t"}},"request":{"email":"a@example.com","entitlements":[],"role":"admin"}}`)))
	is.True(strings.HasPrefix(doc, `{"response":{"id":"a@example.com","status":"PENDING","created":true,"invitation_url":"https://example.com/invite/admin"},"raw_data":null,"page":null,"execution_summary":{"effect":{"kind":"created"},"request_fingerprint":"`))

	e := errorOf(t, in.Dispatch(context.Background(), "create_account", []byte(`{"auth":{"token":{"token":"t"}},"request":{"email":"a@example.com"}}`)))
	is.Equal(e.Message, "Invalid request - request.entitlements: field required") // the base field stays required

	info, err := in.Info()
	is.NoErr(err)
	props := info.CapabilitySchema["create_account"].Argument["properties"].(map[string]any)
	_, hasRole := props["role"]
	is.True(hasRole) // info shows the extension
}

func TestCustomizationRules(t *testing.T) {
	tests := []struct {
		name     string
		register func(in *toolkit.Integration)
		want     string
	}{
		{"retyped field", func(in *toolkit.Integration) {
			toolkit.HandleExtended(in, toolkit.CapCreateAccount,
				func(context.Context, toolkit.Request[retypedEntitlements]) (toolkit.Response[toolkit.CreatedAccount], error) {
					return toolkit.Response[toolkit.CreatedAccount]{}, nil
				})
		}, `field "entitlements" is a JSON string, not array as in the standard payload`},
		{"required dropped", func(in *toolkit.Integration) {
			toolkit.HandleExtended(in, toolkit.CapUpdateAccount,
				func(context.Context, toolkit.Request[optionalUpdateID]) (toolkit.Response[toolkit.UpdateableAccount], error) {
					return toolkit.Response[toolkit.UpdateableAccount]{}, nil
				})
		}, `field "id" must stay required`},
		{"result dropped a field", func(in *toolkit.Integration) {
			toolkit.HandleExtended(in, toolkit.CapCreateAccount,
				func(context.Context, toolkit.Request[githubInvite]) (toolkit.Response[toolkit.UpdateableAccount], error) {
					return toolkit.Response[toolkit.UpdateableAccount]{}, nil
				})
		}, `result toolkit.UpdateableAccount does not extend the standard result: field "status" is missing`},
		{"foreign payload", func(in *toolkit.Integration) {
			toolkit.HandleExtended(in, toolkit.CapCreateAccount,
				func(context.Context, toolkit.Request[toolkit.ListAccounts]) (toolkit.Response[toolkit.CreatedAccount], error) {
					return toolkit.Response[toolkit.CreatedAccount]{}, nil
				})
		}, `payload toolkit.ListAccounts does not extend the standard payload: field "entitlements" is missing`},
		{"not extendable", func(in *toolkit.Integration) {
			toolkit.HandleExtended(in, toolkit.CapDeleteAccount,
				func(context.Context, toolkit.Request[toolkit.DeleteAccount]) (toolkit.Response[toolkit.DeletedAccount], error) {
					return toolkit.Response[toolkit.DeletedAccount]{}, nil
				})
		}, `cannot be extended; register it with Handle and the standard types func(context.Context, toolkit.DeleteAccountRequest) (toolkit.DeleteAccountResponse, error)`},
		{"nil handler", func(in *toolkit.Integration) {
			toolkit.HandleExtended[githubInvite, toolkit.CreatedAccount](in, toolkit.CapCreateAccount, nil)
		}, `handler is nil`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := toolkit.NewIntegration(validDeclaration("customized"))
			msg := panicMessage(func() { tt.register(in) })
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, `connector "customized"`) {
				t.Fatalf("panic %q does not name the connector or contain %q", msg, tt.want)
			}
		})
	}
}
