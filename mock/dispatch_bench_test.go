package mock_test

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit"
)

const benchPage = `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"h","tenant_size":1000000},"page":{"size":1000}}`

// BenchmarkDispatchListAccounts measures one page of 1,000 accounts through
// the whole pipeline (parse, auth, settings, generate, serialize, write, as
// the CLI runs it) against the
// baseline of json.Marshal of the same 1,000 accounts, measured in the same
// run. scripts/bench.sh prints the ratio.
func BenchmarkDispatchListAccounts(b *testing.B) {
	ctx := context.Background()
	body := []byte(benchPage)
	var resp toolkit.ListAccountsResponse
	if err := json.Unmarshal(mock.Integration().Dispatch(ctx, "list_accounts", body), &resp); err != nil || len(resp.Response) != 1000 {
		b.Fatalf("unexpected response: %v, %d accounts", err, len(resp.Response))
	}
	accounts := resp.Response

	b.Run("pipeline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := mock.Integration().DispatchTo(ctx, io.Discard, "list_accounts", body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if out, err := json.Marshal(accounts); err != nil || len(out) < 1000 {
				b.Fatal(err)
			}
		}
	})
}
