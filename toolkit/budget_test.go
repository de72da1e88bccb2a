package toolkit_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// budgeted is a connector whose list_accounts reports its budget and
// whose get_account waits for the call's context to end.
func budgeted(b toolkit.Budget) *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "budgeted", Version: "0.1.0", Auth: toolkit.AuthToken, Budget: b})
	toolkit.Handle(in, toolkit.CapListAccounts, func(ctx context.Context, _ toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		s := toolkit.SpendingOf(ctx)
		l := s.Limits()
		dl, _ := ctx.Deadline()
		left := time.Until(dl).Round(time.Minute)
		return toolkit.ListAccountsResponse{Response: []toolkit.FoundAccountData{{IntegrationSpecificID: "x",
			ExtraData: map[string]any{"requests": l.MaxRequests, "bytes": l.MaxBytes, "duration": l.MaxDuration.String(), "left": left.String()}}}}, nil
	})
	toolkit.Handle(in, toolkit.CapGetAccount, func(ctx context.Context, _ toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
		<-ctx.Done()
		return toolkit.GetAccountResponse{}, ctx.Err()
	})
	return in
}

func TestCallBudget(t *testing.T) {
	tests := []struct {
		name   string
		decl   toolkit.Budget
		env    map[string]string
		extra  map[string]any // list_accounts' report of the limits
		errMsg string         // get_account's error message, if it runs
	}{
		{name: "defaults", extra: map[string]any{"requests": 2000.0, "bytes": float64(256 << 20), "duration": "10m0s", "left": "10m0s"}},
		{name: "the connector's own", decl: toolkit.Budget{MaxRequests: 10, MaxBytes: 1000, MaxDuration: time.Hour},
			extra: map[string]any{"requests": 10.0, "bytes": 1000.0, "duration": "1h0m0s", "left": "1h0m0s"}},
		{name: "the environment wins", decl: toolkit.Budget{MaxRequests: 10},
			env:   map[string]string{toolkit.EnvMaxUpstreamRequests: "7", toolkit.EnvMaxUpstreamBytes: "99", toolkit.EnvMaxCallDuration: "3m"},
			extra: map[string]any{"requests": 7.0, "bytes": 99.0, "duration": "3m0s", "left": "3m0s"}},
		{name: "invalid environment values are ignored",
			env:   map[string]string{toolkit.EnvMaxUpstreamRequests: "-1", toolkit.EnvMaxUpstreamBytes: "lots", toolkit.EnvMaxCallDuration: "0"},
			extra: map[string]any{"requests": 2000.0, "bytes": float64(256 << 20), "duration": "10m0s", "left": "10m0s"}},
		{name: "wall time is an api_error naming the limit", decl: toolkit.Budget{MaxDuration: 30 * time.Millisecond},
			errMsg: "Call budget exceeded: the call ran for its limit of 30ms (LUMOS_MAX_CALL_DURATION or the connector's Budget.MaxDuration); stopping it."},
		{name: "wall time from the environment", env: map[string]string{toolkit.EnvMaxCallDuration: "20ms"},
			errMsg: "Call budget exceeded: the call ran for its limit of 20ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			in := budgeted(tt.decl)
			if tt.errMsg != "" {
				out := in.Dispatch(context.Background(), "get_account", []byte(`{`+okAuth+`,"request":{"account_id":"a"}}`))
				var doc struct {
					Error struct {
						ErrorCode string `json:"error_code"`
						Message   string `json:"message"`
					} `json:"error"`
				}
				is.NoErr(json.Unmarshal(out, &doc))
				is.Equal(doc.Error.ErrorCode, "api_error")               // not request_timeout
				is.True(strings.HasPrefix(doc.Error.Message, tt.errMsg)) // names the limit and its value
				return
			}
			out := in.Dispatch(context.Background(), "list_accounts", []byte(`{`+okAuth+`,"request":{}}`))
			var doc struct {
				Response []struct {
					ExtraData map[string]any `json:"extra_data"`
				} `json:"response"`
			}
			is.NoErr(json.Unmarshal(out, &doc))
			is.Equal(len(doc.Response), 1)
			is.Equal(doc.Response[0].ExtraData, tt.extra)
		})
	}
}

func TestSpending(t *testing.T) {
	is := is.New(t)
	s := toolkit.NewSpending(toolkit.Budget{MaxRequests: 2, MaxBytes: 10})
	is.NoErr(s.Request())
	is.NoErr(s.Request())
	err := s.Request()
	is.True(err != nil)
	is.Equal(err.Error(), "Call budget exceeded: the call reached its limit of 2 upstream requests (LUMOS_MAX_UPSTREAM_REQUESTS or the connector's Budget.MaxRequests); stopping it.")
	is.NoErr(s.Read(10))
	is.True(strings.Contains(s.Read(1).Error(), "limit of 10 bytes"))
	for range toolkit.MaxSameGET {
		is.NoErr(s.Get("http://x/a", "http://x/a"))
	}
	is.NoErr(s.Get("http://x/b", "http://x/b"))
	is.True(strings.HasPrefix(s.Get("http://x/a", "http://x/a").Error(), "Request loop: the call already fetched http://x/a 3 times"))
}
