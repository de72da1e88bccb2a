package mock_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit"
)

// outcome is a dispatch decoded with everything the tests of the writes,
// the delta reads, the applications and OAuth look at.
type outcome struct {
	Response         json.RawMessage           `json:"response"`
	Page             *toolkit.Page             `json:"page"`
	ExecutionSummary *toolkit.ExecutionSummary `json:"execution_summary"`
	IsError          bool                      `json:"is_error"`
	Error            *struct {
		Message      string  `json:"message"`
		ErrorCode    string  `json:"error_code"`
		AppErrorCode *string `json:"app_error_code"`
		AppID        string  `json:"app_id"`
	} `json:"error"`
}

// run dispatches c and decodes the outcome.
func run(tb testing.TB, capability string, c call) outcome {
	tb.Helper()
	out := dispatchRaw(tb, capability, c)
	var o outcome
	if err := json.Unmarshal(out, &o); err != nil {
		tb.Fatalf("%s: response is not JSON: %v\n%s", capability, err, out)
	}
	if o.IsError && o.Error == nil {
		tb.Fatalf("%s: is_error without an error object: %s", capability, out)
	}
	return o
}

// unauth is a call without credentials, as the OAuth capabilities and
// validate_credential_config take them.
func unauth(payload any) call {
	return call{Request: payload, Settings: map[string]any{"host": "mock.example.com"}}
}

// mustWrite runs a write that must succeed on a tenant of n accounts,
// checks its execution summary (the fingerprint of payload, idempotent, a
// noop's reason) and returns its result and effect kind.
func mustWrite[T any](tb testing.TB, capability string, n int64, payload any) (T, toolkit.EffectKind) {
	tb.Helper()
	var v T
	o := run(tb, capability, req(n, payload, nil))
	if o.IsError {
		tb.Fatalf("%s %+v: unexpected error %s: %s", capability, payload, o.Error.ErrorCode, o.Error.Message)
		return v, ""
	}
	checkSummary(tb, capability, payload, o.ExecutionSummary)
	if err := json.Unmarshal(o.Response, &v); err != nil {
		tb.Fatalf("%s: decode response: %v\n%s", capability, err, o.Response)
	}
	return v, o.ExecutionSummary.Effect.Kind
}

// checkSummary checks a write's execution summary against its payload.
func checkSummary(tb testing.TB, capability string, payload any, s *toolkit.ExecutionSummary) {
	tb.Helper()
	if s == nil {
		tb.Fatalf("%s: a write without execution_summary", capability)
		return
	}
	want, err := toolkit.Fingerprint(payload)
	if err != nil {
		tb.Fatal(err)
	}
	if s.RequestFingerprint != want {
		tb.Fatalf("%s: request_fingerprint %q, want toolkit.Fingerprint of the payload %q", capability, s.RequestFingerprint, want)
	}
	if !s.IsIdempotent {
		tb.Fatalf("%s: is_idempotent false", capability)
	}
	wantReason := toolkit.NoopEffectReason("")
	if s.Effect.Kind == toolkit.EffectNoop {
		wantReason = toolkit.NoopStateAlreadyMatches
	}
	if s.Effect.Reason != wantReason {
		tb.Fatalf("%s: effect %+v: reason %q, want %q", capability, s.Effect, s.Effect.Reason, wantReason)
	}
}

// mustFail runs a call on a tenant of n accounts that must fail with code
// and returns the error's message and app_error_code.
func mustFail(tb testing.TB, capability string, n int64, payload any, code string) (message, appCode string) {
	tb.Helper()
	return mustFailCall(tb, capability, req(n, payload, nil), code)
}

func mustFailCall(tb testing.TB, capability string, c call, code string) (message, appCode string) {
	tb.Helper()
	o := run(tb, capability, c)
	if !o.IsError {
		tb.Fatalf("%s %+v: succeeded with %s, want error %s", capability, c.Request, o.Response, code)
		return "", ""
	}
	if o.Error.ErrorCode != code || o.Error.AppID != "mock" {
		tb.Fatalf("%s %+v: error %s (%s) from %q, want %s from mock", capability, c.Request, o.Error.ErrorCode, o.Error.Message, o.Error.AppID, code)
	}
	if o.Error.AppErrorCode != nil {
		appCode = *o.Error.AppErrorCode
	}
	return o.Error.Message, appCode
}

// The mock implements every standard capability a connector can register:
// a capability added to the toolkit without a mock implementation fails here.
func TestEveryStandardCapabilityImplemented(t *testing.T) {
	is := is.New(t)
	var want []toolkit.CapabilityName
	for _, c := range toolkit.StandardCapabilities() {
		if c.Name != toolkit.CapAppInfo.Name() { // provided by lumos itself
			want = append(want, c.Name)
		}
	}
	var got []toolkit.CapabilityName
	for _, c := range mock.Integration().CapabilityInfos() {
		is.True(!c.Custom) // the mock has no capability of its own
		if c.Name != toolkit.CapAppInfo.Name() {
			got = append(got, c.Name)
		}
	}
	slices.Sort(want)
	for _, name := range want {
		if !slices.Contains(got, name) {
			t.Errorf("standard capability %q has no mock implementation", name)
		}
	}
	is.Equal(got, want)
}

// validRequests holds a valid request payload for every capability, on a
// tenant of 100 accounts.
var validRequests = map[toolkit.CapabilityName]any{
	toolkit.CapValidateCredentials.Name():               nil,
	toolkit.CapListAccounts.Name():                      nil,
	toolkit.CapGetAccount.Name():                        map[string]any{"account_id": "user-1"},
	toolkit.CapListResources.Name():                     nil,
	toolkit.CapListEntitlements.Name():                  nil,
	toolkit.CapFindEntitlementAssociations.Name():       nil,
	toolkit.CapGetAccountEntitlementAssociations.Name(): map[string]any{"account_id": "user-1"},
	toolkit.CapGetLastActivity.Name():                   map[string]any{"account_ids": []string{"user-1"}},
	toolkit.CapListCustomAttributesSchema.Name():        nil,

	toolkit.CapCreateAccount.Name(): toolkit.CreateAccount{Email: toolkit.Ptr("new.person@example.org"),
		Entitlements: []toolkit.CreateAccountEntitlement{{EntitlementType: "role", IntegrationSpecificID: "member"}}},
	toolkit.CapUpdateAccount.Name():     mock.AccountUpdate{UpdateableAccount: toolkit.UpdateableAccount{ID: "user-1"}, GivenName: toolkit.Ptr("Augusta")},
	toolkit.CapActivateAccount.Name():   toolkit.ActivateAccount{AccountID: "user-3"},
	toolkit.CapDeactivateAccount.Name(): toolkit.DeactivateAccount{AccountID: "user-1"},
	toolkit.CapDeleteAccount.Name():     toolkit.DeleteAccount{AccountID: "user-1"},
	toolkit.CapAssignEntitlement.Name(): toolkit.AssignEntitlement{EntitlementGrant: toolkit.EntitlementGrant{AccountIntegrationSpecificID: "user-1",
		ResourceIntegrationSpecificID: "team-0", ResourceType: "team", EntitlementType: "team_member", EntitlementIntegrationSpecificID: "member"}},
	toolkit.CapUnassignEntitlement.Name(): toolkit.UnassignEntitlement{EntitlementRevocation: toolkit.EntitlementRevocation{AccountIntegrationSpecificID: "user-1",
		ResourceType: "tenant", ResourceIntegrationSpecificID: "", EntitlementType: "role", EntitlementIntegrationSpecificID: "billing"}},
	toolkit.CapTransferData.Name():     toolkit.TransferData{SourceAccountID: "user-1", TargetAccountID: "user-2"},
	toolkit.CapReleaseResources.Name(): toolkit.ReleaseResources{AccountID: "user-1"},
	toolkit.CapDowngradeLicense.Name(): toolkit.DowngradeLicense{AccountID: "user-1"},

	toolkit.CapListUpdatedAccounts.Name(): map[string]any{"since": "2025-12-15T00:00:00Z"},
	toolkit.CapGetDataRecency.Name():      nil,
	toolkit.CapListActivityRecords.Name(): map[string]any{"since_date": "2025-12-01", "actors": []any{map[string]any{"account_id": "user-1"}}},
	toolkit.CapListExpenses.Name():        map[string]any{"filters": map[string]any{}},

	toolkit.CapGetAuthorizationURL.Name(): toolkit.GetAuthorizationURL{ClientID: "client", Scopes: []string{"read"},
		RedirectURI: "https://app.example.com/cb", State: "xyz"},
	toolkit.CapHandleAuthorizationCallback.Name(): toolkit.HandleAuthorizationCallback{ClientID: "client", ClientSecret: "client-secret-value",
		RedirectURIWithCode: "https://app.example.com/cb?code=abc123&state=xyz"},
	toolkit.CapHandleClientCredentialsRequest.Name(): toolkit.HandleClientCredentials{ClientID: "client", ClientSecret: "client-secret-value", Scopes: []string{"read"}},
	toolkit.CapRefreshAccessToken.Name():             toolkit.RefreshAccessToken{ClientID: "client", ClientSecret: "client-secret-value", RefreshToken: "old-refresh-token"},
	toolkit.CapValidateCredentialConfig.Name():       map[string]any{"credential": map[string]any{"basic": map[string]any{"username": "u", "password": "p"}}},

	toolkit.CapListApplications.Name():                        nil,
	toolkit.CapGetApplication.Name():                          toolkit.GetApplication{ApplicationInstanceID: "app-1"},
	toolkit.CapListApplicationsAccounts.Name():                nil,
	toolkit.CapGetApplicationAccount.Name():                   toolkit.GetApplicationAccount{ApplicationInstanceID: "app-1", AccountID: "user-1"},
	toolkit.CapListApplicationsResources.Name():               nil,
	toolkit.CapListApplicationsEntitlements.Name():            nil,
	toolkit.CapListApplicationsEntitlementAssociations.Name(): nil,
	toolkit.CapListApplicationsActivityRecords.Name():         map[string]any{"since_date": "2025-12-01T00:00:00Z", "actors": []any{map[string]any{"account_id": "user-1"}}},
	toolkit.CapAssignApplication.Name():                       toolkit.AssignApplication{ApplicationInstanceID: "app-2", AccountID: "user-1"},
	toolkit.CapUnassignApplication.Name():                     toolkit.UnassignApplication{ApplicationInstanceID: "app-1", AccountID: "user-1"},
	toolkit.CapAssignApplicationEntitlement.Name(): toolkit.AssignApplicationEntitlement{ApplicationInstanceID: "app-1", EntitlementGrant: toolkit.EntitlementGrant{
		AccountIntegrationSpecificID: "user-1", ResourceType: "tenant", EntitlementType: "role", EntitlementIntegrationSpecificID: "editor"}},
	toolkit.CapUnassignApplicationEntitlement.Name(): toolkit.UnassignApplicationEntitlement{ApplicationInstanceID: "app-1", EntitlementRevocation: toolkit.EntitlementRevocation{
		AccountIntegrationSpecificID: "user-1", ResourceType: "tenant", EntitlementType: "role", EntitlementIntegrationSpecificID: "owner"}},
}

// Every registered capability answers a valid request with a success
// envelope; the writes carry an execution summary and the reads none.
func TestEveryCapabilityAnswers(t *testing.T) {
	for _, c := range mock.Integration().CapabilityInfos() {
		if c.Name == toolkit.CapAppInfo.Name() {
			continue // lumos's own, answered by the openapi package when linked in
		}
		t.Run(string(c.Name), func(t *testing.T) {
			is := is.New(t)
			payload, has := validRequests[c.Name]
			if !has {
				t.Fatalf("no valid request for %q in validRequests", c.Name)
			}
			cl := req(100, payload, nil)
			if c.Level == toolkit.LevelAuth || c.Level == toolkit.LevelValidation {
				cl = unauth(payload)
				if payload == nil {
					cl.Request = struct{}{}
				}
			}
			o := run(t, string(c.Name), cl)
			if o.IsError {
				t.Fatalf("error %s: %s", o.Error.ErrorCode, o.Error.Message)
			}
			is.True(len(o.Response) > 0 && string(o.Response) != "null")
			if c.Level == toolkit.LevelWrite {
				checkSummary(t, string(c.Name), payload, o.ExecutionSummary)
				is.True(o.ExecutionSummary.Effect.Kind != toolkit.EffectNoop) // the table's writes all change something
			} else {
				is.Equal(o.ExecutionSummary, nil)
			}
			is.Equal(string(dispatchRaw(t, string(c.Name), cl)), string(dispatchRaw(t, string(c.Name), cl))) // deterministic
		})
	}
}

// A bad tenant_size is refused by every capability that reads the tenant.
func TestBadTenantSizeEveryCapability(t *testing.T) {
	for _, c := range mock.Integration().CapabilityInfos() {
		if c.Name == toolkit.CapAppInfo.Name() || c.Name == toolkit.CapListCustomAttributesSchema.Name() {
			continue // neither reads settings
		}
		t.Run(string(c.Name), func(t *testing.T) {
			payload := validRequests[c.Name]
			cl := req(-1, payload, nil)
			if c.Level == toolkit.LevelAuth || c.Level == toolkit.LevelValidation {
				cl = unauth(payload)
				cl.Settings = settings(-1)
			}
			if cl.Request == nil {
				cl.Request = struct{}{}
			}
			mustFailCall(t, string(c.Name), cl, "bad_request")
		})
	}
}
