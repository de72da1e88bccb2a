package httpclient_test

import (
	"bytes"
	"context"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// TestRawData dispatches a capability whose handler calls upstream through
// the client: each upstream body lands in raw_data only when asked for.
func TestRawData(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"users":[{"id":"u1","echo":"tok-abcdef"}]}`) // a careless API echoing the credential
	})
	mux.HandleFunc("/motd", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "plain text") })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	_, missing := serve(t, reply{status: 404, body: `{"message":"Not Found"}`})
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "rawtest", Version: "1", Auth: toolkit.AuthToken,
		ErrorHandlers: rules})
	toolkit.Handle(in, toolkit.CapListAccounts, func(ctx context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		base := srv.URL
		if req.Request.CustomAttributes != nil {
			base = missing.URL
		}
		c := httpclient.New(ctx, httpclient.Options{AppID: "rawtest", BaseURL: base, Auth: httpclient.Bearer(req.Auth.Token.Token)})
		var page struct {
			Users []struct{ ID string } `json:"users"`
		}
		if _, err := c.GetJSON(ctx, "/users", &page); err != nil {
			return toolkit.ListAccountsResponse{}, err
		}
		r, err := c.NewRequest(ctx, "GET", "/motd", nil)
		if err != nil {
			return toolkit.ListAccountsResponse{}, err
		}
		resp, err := c.Do(r)
		if err != nil {
			return toolkit.ListAccountsResponse{}, err
		}
		text, _ := io.ReadAll(resp.Body) // still readable after being recorded
		resp.Body.Close()
		out := []toolkit.FoundAccountData{{IntegrationSpecificID: page.Users[0].ID, Username: toolkit.Ptr(string(text))}}
		return toolkit.ListAccountsResponse{Response: out}, nil
	})
	account := `{"integration_specific_id":"u1","email":null,"given_name":null,"family_name":null,"username":"plain text","user_status":null,"extra_data":null,"custom_attributes":null,"account_type":null}`
	tests := []struct{ name, body, want string }{
		{"asked for", `{"auth":{"token":{"token":"tok-abcdef"}},"request":{},"include_raw_data":true}`,
			`{"response":[` + account + `],"raw_data":[{"users":[{"id":"u1","echo":"REDACTED"}]},"plain text"],"page":null,"execution_summary":null}`},
		{"not asked for", `{"auth":{"token":{"token":"tok-abcdef"}},"request":{}}`,
			`{"response":[` + account + `],"raw_data":null,"page":null,"execution_summary":null}`},
		{"error envelope", `{"auth":{"token":{"token":"tok-abcdef"}},"request":{"custom_attributes":[]},"include_raw_data":true}`,
			`{"is_error":true,"error":{"message":"[404][` + missing.URL + `/users] {\"message\":\"Not Found\"}","status_code":404,"app_error_code":null,"error_code":"not_found","app_id":"rawtest","raised_by":"errs.HTTPStatusError","raised_in":"httpclient_test:list_accounts"},"raw_data":[{"message":"Not Found"}],"page":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			is.Equal(string(in.Dispatch(context.Background(), "list_accounts", []byte(tt.body))), tt.want)
		})
	}
}

func TestTrace(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	_, srv := serve(t, reply{status: 503, header: map[string]string{"Retry-After": "2"}}, reply{body: okBody})
	var trace bytes.Buffer
	clock := newClock()
	ctx := toolkit.WithTrace(context.Background(), &trace)
	opts := clock.options(srv.URL)
	opts.Auth = httpclient.Bearer("bearer-secret")
	_, err := httpclient.New(ctx, opts).GetJSON(ctx, "/orgs/acme/members?per_page=100&access_token=qs-secret", nil)
	is.NoErr(err)
	want := "http GET " + srv.URL + "/orgs/acme/members?per_page=100&access_token=REDACTED -> 503 Service Unavailable in 0s (attempt 1/4, retrying in 2s (Retry-After))\n" +
		"http GET " + srv.URL + "/orgs/acme/members?per_page=100&access_token=REDACTED -> 200 OK in 0s (attempt 2/4)\n"
	is.Equal(trace.String(), want)

	trace.Reset()
	c := httpclient.New(ctx, httpclient.Options{BaseURL: "http://" + closedPort(t), MaxAttempts: 1})
	_, err = c.GetJSON(ctx, "/x?token=qs-secret", nil)
	is.True(err != nil)
	line := regexp.MustCompile(`^http GET http://127\.0\.0\.1:\d+/x\?token=REDACTED -> error: dial tcp 127\.0\.0\.1:\d+: connect: connection refused in \S+ \(attempt 1/1\)\n$`)
	is.True(line.MatchString(trace.String())) // one line, the error without the URL again
	is.True(!strings.Contains(trace.String(), "secret"))
}

func TestDebugLog(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	_, srv := serve(t, reply{status: 429, header: map[string]string{"Retry-After": "1"}}, reply{body: okBody})
	var logs bytes.Buffer
	ctx := toolkit.WithLogger(context.Background(), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	clock := newClock()
	opts := clock.options(srv.URL)
	opts.Auth = httpclient.Bearer("bearer-secret")
	_, err := httpclient.New(ctx, opts).GetJSON(ctx, "/x?api_key=qs-secret", nil)
	is.NoErr(err)
	out := logs.String()
	is.Equal(strings.Count(out, "level=DEBUG msg=\"upstream request\""), 2)
	is.True(strings.Contains(out, "retry_in=1s retry_reason=Retry-After"))
	is.True(!strings.Contains(out, "secret"))

	// At INFO, nothing.
	logs.Reset()
	ctx = toolkit.WithLogger(context.Background(), slog.New(slog.NewTextHandler(&logs, nil)))
	_, err = httpclient.New(ctx, opts).GetJSON(ctx, "/x", nil)
	is.NoErr(err)
	is.Equal(logs.String(), "")
}

// TestNothingOnStderr runs failing and retried calls with stderr and the
// standard logger captured: retryablehttp's default logger must be off.
func TestNothingOnStderr(t *testing.T) {
	// not parallel: it swaps os.Stderr
	is := is.New(t)
	r, w, err := os.Pipe()
	is.NoErr(err)
	oldStderr, oldLog := os.Stderr, log.Writer()
	os.Stderr = w
	log.SetOutput(w)
	func() {
		defer func() { os.Stderr = oldStderr; log.SetOutput(oldLog) }()
		_, srv := serve(t, reply{status: 502}, reply{status: 429}, reply{status: 500})
		clock := newClock()
		c := httpclient.New(context.Background(), clock.options(srv.URL))
		_, err := c.GetJSON(context.Background(), "/x", nil)
		is.Equal(errs.Describe(err, rules).StatusCode, 500)
		_, err = httpclient.New(context.Background(), clock.options("http://"+closedPort(t))).GetJSON(context.Background(), "/x", nil)
		is.True(err != nil)
	}()
	w.Close()
	got, _ := io.ReadAll(r)
	is.Equal(string(got), "")
}
