package connectortest_test

import (
	"context"
	"fmt"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// The conformance suite run on a small connector without an upstream: a
// test calls connectortest.Conformance(t, ...) instead, which fails the test
// on any failed check.
func ExampleCheck() {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "example-staff", Version: "1.0.0", Auth: toolkit.AuthToken})
	toolkit.Handle(in, toolkit.CapValidateCredentials,
		func(context.Context, toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
			return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: "staff"}}, nil
		})
	toolkit.Handle(in, toolkit.CapListAccounts,
		func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
			return toolkit.ListAccountsResponse{Response: []toolkit.FoundAccountData{
				{IntegrationSpecificID: "1", Username: toolkit.Ptr("ada")},
				{IntegrationSpecificID: "2", Username: toolkit.Ptr("grace")},
			}}, nil
		})

	report := connectortest.Check(context.Background(), in, connectortest.Options{
		Request: `{"auth":{"token":{"token":"t0ken-for-the-suite"}}}`,
	})
	for _, r := range report.Checks {
		fmt.Println(r.Status, r.Name)
	}
	fmt.Println("ok:", report.OK())
	// Output:
	// pass info
	// pass schemas
	// pass app_info
	// pass validate_credentials
	// pass list_accounts: drain
	// skip list_accounts: tampered token
	// skip list_accounts: smaller pages
	// pass hostile envelopes
	// skip writes: assign_entitlement twice
	// skip writes: unassign_entitlement twice
	// pass secrets
	// ok: true
}
