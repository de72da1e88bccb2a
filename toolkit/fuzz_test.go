package toolkit_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/lumosgo/lumos/errs"
)

// FuzzDispatch feeds arbitrary request documents through the whole
// pipeline. Whatever the input, the answer is one JSON document: a success
// envelope or an error envelope with a protocol error code.
func FuzzDispatch(f *testing.F) {
	for _, seed := range []string{
		`{"request":{"account_id":"a"},` + okAuth + `,` + okSettings + `}`,
		`{"request":{"account_id":"connector-error"},` + okAuth + `,` + okSettings + `,"page":{"token":"x","size":3}}`,
		`{"request":{},"credentials":[{"id":"x","basic":{"username":"u","password":"p"}}]}`,
		`{"request":{"account_id":1e999}}`, `[`, `{"a":"\ud800"}`, `null`, ``, `{"request":{"account_id":"a"}} {}`,
	} {
		f.Add("get_account", []byte(seed))
	}
	f.Add("list_accounts", []byte(`{"request":{"custom_attributes":["x"]},`+okAuth+`,`+okSettings+`}`))
	in := demo()
	f.Fuzz(func(t *testing.T, capability string, body []byte) {
		out := in.Dispatch(context.Background(), capability, body)
		var env struct {
			IsError bool `json:"is_error"`
			Error   *struct {
				ErrorCode errs.ErrorCode `json:"error_code"`
				AppID     string         `json:"app_id"`
			} `json:"error"`
			Response json.RawMessage `json:"response"`
		}
		if err := json.Unmarshal(out, &env); err != nil {
			t.Fatalf("not one JSON document: %v\n%s", err, out)
		}
		switch {
		case env.IsError:
			if env.Error == nil || !env.Error.ErrorCode.Valid() || env.Error.AppID != "demo" {
				t.Fatalf("malformed error envelope: %s", out)
			}
		case env.Response == nil:
			t.Fatalf("neither a success nor an error envelope: %s", out)
		}
	})
}
