package toolkit_test

import (
	"context"
	"fmt"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// A connector with one credential kind, a settings type and two
// capabilities, dispatched the way the lumos command line does it.
func ExampleHandle() {
	type settings struct {
		Tenant string `json:"tenant" required:"true" description:"The tenant to read."`
	}
	in := toolkit.NewIntegration(toolkit.Declaration{
		AppID:    "example-hr",
		Version:  "1.0.0",
		Auth:     toolkit.AuthToken,
		Settings: settings{},
	})
	toolkit.Handle(in, toolkit.CapValidateCredentials,
		func(ctx context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
			if req.Auth.Token.Token != "s3cret" {
				return toolkit.ValidateCredentialsResponse{}, errs.New(errs.Unauthorized, "The token was refused.")
			}
			s, err := toolkit.DecodeSettings[settings](req.Settings)
			if err != nil {
				return toolkit.ValidateCredentialsResponse{}, err
			}
			return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: s.Tenant}}, nil
		})
	toolkit.Handle(in, toolkit.CapListAccounts,
		func(ctx context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
			return toolkit.ListAccountsResponse{Response: []toolkit.FoundAccountData{
				{IntegrationSpecificID: "u1", Email: toolkit.Ptr("ada@example.com"), UserStatus: toolkit.Ptr(toolkit.AccountStatusActive)},
			}}, nil
		})

	ctx := context.Background()
	fmt.Printf("%s\n", in.Dispatch(ctx, "validate_credentials",
		[]byte(`{"auth":{"token":{"token":"s3cret"}},"settings":{"tenant":"acme"},"request":{}}`)))
	fmt.Printf("%s\n", in.Dispatch(ctx, "validate_credentials",
		[]byte(`{"auth":{"token":{"token":"wrong"}},"settings":{"tenant":"acme"},"request":{}}`)))
	fmt.Printf("%s\n", in.Dispatch(ctx, "validate_credentials",
		[]byte(`{"auth":{"token":{"token":"s3cret"}},"request":{}}`)))
	fmt.Printf("%s\n", in.Dispatch(ctx, "list_accounts",
		[]byte(`{"auth":{"token":{"token":"s3cret"}},"settings":{"tenant":"acme"},"request":{}}`)))
	// Output:
	// {"response":{"valid":true,"unique_tenant_id":"acme"},"raw_data":null,"page":null,"execution_summary":null}
	// {"is_error":true,"error":{"message":"The token was refused.","status_code":null,"app_error_code":null,"error_code":"unauthorized","app_id":"example-hr","raised_by":"errs.Error","raised_in":"toolkit_test:validate_credentials"},"raw_data":null,"page":null}
	// {"is_error":true,"error":{"message":"No settings passed on request: example-hr requires settings","status_code":null,"app_error_code":null,"error_code":"bad_request","app_id":"example-hr","raised_by":null,"raised_in":null},"raw_data":null,"page":null}
	// {"response":[{"integration_specific_id":"u1","email":"ada@example.com","given_name":null,"family_name":null,"username":null,"user_status":"ACTIVE","extra_data":null,"custom_attributes":null,"account_type":null}],"raw_data":null,"page":null,"execution_summary":null}
}

// A capability of the connector's own: the compiler checks the handler
// against its payload and result types, and the request envelope is
// validated like a standard one.
func ExampleHandleCustom() {
	type syncGroups struct {
		GroupIDs []string `json:"group_ids" required:"true" description:"Groups to sync now."`
	}
	type synced struct {
		Count int `json:"count" required:"true" description:"How many groups were synced."`
	}
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "example-sync", Version: "1.0.0", Auth: toolkit.AuthToken})
	toolkit.HandleCustom(in, "sync_groups",
		func(ctx context.Context, req toolkit.CustomRequest[syncGroups]) (toolkit.CustomResponse[synced], error) {
			return toolkit.CustomResponse[synced]{Response: synced{Count: len(req.Request.GroupIDs)}}, nil
		})
	fmt.Printf("%s\n", in.Dispatch(context.Background(), "sync_groups",
		[]byte(`{"auth":{"token":{"token":"t"}},"settings":null,"request":{"group_ids":["a","b"]}}`)))
	fmt.Printf("%s\n", in.Dispatch(context.Background(), "sync_groups",
		[]byte(`{"auth":{"token":{"token":"t"}},"settings":null,"request":{}}`)))
	// Output:
	// {"page":null,"raw_data":null,"response":{"count":2}}
	// {"is_error":true,"error":{"message":"Invalid request - request.group_ids: field required","status_code":null,"app_error_code":null,"error_code":"bad_request","app_id":"example-sync","raised_by":null,"raised_in":null},"raw_data":null,"page":null}
}
