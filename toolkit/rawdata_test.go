package toolkit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

func TestRawDataCollected(t *testing.T) {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "raw", Version: "1", Auth: toolkit.AuthToken})
	toolkit.Handle(in, toolkit.CapListAccounts, func(ctx context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		toolkit.AddRawData(ctx, map[string]any{"page": 1, "echo": req.Auth.Token.Token})
		toolkit.AddRawData(ctx, map[string]any{"page": 2})
		if req.Request.CustomAttributes != nil {
			return toolkit.ListAccountsResponse{}, errors.New("upstream broke")
		}
		return toolkit.ListAccountsResponse{}, nil
	})
	toolkit.Handle(in, toolkit.CapGetAccount, func(ctx context.Context, req toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
		toolkit.AddRawData(ctx, "ignored: the handler sets raw_data itself")
		return toolkit.GetAccountResponse{Response: toolkit.FoundAccountData{IntegrationSpecificID: "a"}, RawData: "mine"}, nil
	})
	tests := []struct {
		name, capability, body, want string
	}{
		{"collected", "list_accounts", `{"auth":{"token":{"token":"secret-123456"}},"request":{},"include_raw_data":true}`,
			`{"response":[],"raw_data":[{"echo":"REDACTED","page":1},{"page":2}],"page":null,"execution_summary":null}`},
		{"not asked for", "list_accounts", `{"auth":{"token":{"token":"secret-123456"}},"request":{}}`,
			`{"response":[],"raw_data":null,"page":null,"execution_summary":null}`},
		{"on errors too", "list_accounts", `{"auth":{"token":{"token":"secret-123456"}},"request":{"custom_attributes":[]},"include_raw_data":true}`,
			`{"is_error":true,"error":{"message":"upstream broke","status_code":null,"app_error_code":null,"error_code":"unexpected_error","app_id":"raw","raised_by":"errors.errorString","raised_in":"toolkit_test:list_accounts"},"raw_data":[{"echo":"REDACTED","page":1},{"page":2}],"page":null}`},
		{"handler's own wins", "get_account", `{"auth":{"token":{"token":"t"}},"request":{"account_id":"a"},"include_raw_data":true}`,
			`{"response":{"integration_specific_id":"a","email":null,"given_name":null,"family_name":null,"username":null,"user_status":null,"extra_data":null,"custom_attributes":null,"account_type":null},"raw_data":"mine","page":null,"execution_summary":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			is.Equal(string(in.Dispatch(context.Background(), tt.capability, []byte(tt.body))), tt.want)
		})
	}
	is := is.New(t)
	is.True(!toolkit.WantsRawData(context.Background()))      // outside a call
	toolkit.AddRawData(context.Background(), "nowhere to go") // and harmless
}
