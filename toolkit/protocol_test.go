package toolkit_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// upstream is a loopback API: /users answers [] with the given headers
// after delay; hits counts its requests.
type upstream struct {
	srv  *httptest.Server
	hits atomic.Int64
}

func newUpstream(t testing.TB, delay time.Duration, headers map[string]string) *upstream {
	t.Helper()
	u := &upstream{}
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`))
	}))
	t.Cleanup(u.srv.Close)
	return u
}

// limited is a connector whose list_accounts fetches the upstream's /users
// and reports the rate limit's remaining count as its client sees it.
func limited(base string) *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "limited", Version: "0.1.0", Auth: toolkit.AuthToken})
	toolkit.Handle(in, toolkit.CapListAccounts, func(ctx context.Context, _ toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		c := httpclient.New(ctx, httpclient.Options{BaseURL: base, AppID: "limited", MaxAttempts: 1})
		var users []toolkit.FoundAccountData
		if _, err := c.GetJSON(ctx, "/users", &users); err != nil {
			return toolkit.ListAccountsResponse{}, err
		}
		users = append(users, toolkit.FoundAccountData{IntegrationSpecificID: "remaining=" + strconv.Itoa(c.RateLimitRemaining())})
		return toolkit.ListAccountsResponse{Response: users}, nil
	})
	toolkit.Handle(in, toolkit.CapGetAccount, func(ctx context.Context, req toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
		switch req.Request.AccountID {
		case "missing-auth":
			return toolkit.GetAccountResponse{}, toolkit.MissingAuth(toolkit.AuthOAuth)
		case "hint":
			return toolkit.GetAccountResponse{}, &errs.Error{Message: "gone", Code: errs.NotFound, Hint: "Check the account id."}
		case "conflict":
			return toolkit.GetAccountResponse{}, errs.New(errs.Conflict, "already there")
		case "plain":
			return toolkit.GetAccountResponse{}, context.DeadlineExceeded
		case "leak":
			minted := "ghs_minted0123456789"
			toolkit.AddSecret(ctx, minted)
			return toolkit.GetAccountResponse{}, &errs.Error{Message: "upstream said: bad token t0ken-abc", Code: errs.Unauthorized,
				Hint: "replace t0ken-abc or " + minted}
		}
		return toolkit.GetAccountResponse{Response: toolkit.FoundAccountData{IntegrationSpecificID: req.Request.AccountID}}, nil
	})
	return in
}

const tokenAuth = `"auth":{"token":{"token":"t0ken-abc"}}`

func TestProtocolChoice(t *testing.T) {
	const old = `{"response":{"integration_specific_id":"a","email":null,"given_name":null,"family_name":null,"username":null,"user_status":null,"extra_data":null,"custom_attributes":null,"account_type":null},"raw_data":null,"page":null,"execution_summary":null}`
	latest := strings.TrimSuffix(old, "}") + `,"rate_limit":null}`
	tests := []struct {
		name string
		env  string
		pin  toolkit.Protocol
		body string
		want string
	}{
		{name: "a 0.37 request gets 0.37 bytes", body: `{` + tokenAuth + `,"request":{"account_id":"a"}}`, want: old},
		{name: "a rate_limit key asks for the latest, even null", body: `{` + tokenAuth + `,"request":{"account_id":"a"},"rate_limit":null}`, want: latest},
		{name: "a rate_limit block", body: `{` + tokenAuth + `,"request":{"account_id":"a"},"rate_limit":{"max_execution_time":30}}`, want: latest},
		{name: "RATE_LIMIT is another key", body: `{` + tokenAuth + `,"request":{"account_id":"a"},"RATE_LIMIT":null}`, want: old},
		{name: "LUMOS_PROTOCOL=0.37 ignores rate_limit as 0.37 does", env: "0.37", body: `{` + tokenAuth + `,"request":{"account_id":"a"},"rate_limit":{"max_execution_time":"x"}}`, want: old},
		{name: "LUMOS_PROTOCOL=latest", env: "latest", body: `{` + tokenAuth + `,"request":{"account_id":"a"}}`, want: latest},
		{name: "LUMOS_PROTOCOL=0.79.0", env: "0.79.0", body: `{` + tokenAuth + `,"request":{"account_id":"a"}}`, want: latest},
		{name: "an unknown LUMOS_PROTOCOL is ignored", env: "0.50", body: `{` + tokenAuth + `,"request":{"account_id":"a"}}`, want: old},
		{name: "WithProtocol wins over the environment", env: "latest", pin: toolkit.Protocol037, body: `{` + tokenAuth + `,"request":{"account_id":"a"},"rate_limit":null}`, want: old},
		{name: "WithProtocol latest", pin: toolkit.ProtocolLatest, body: `{` + tokenAuth + `,"request":{"account_id":"a"}}`, want: latest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			t.Setenv(toolkit.EnvProtocol, tt.env)
			ctx := context.Background()
			if tt.pin != "" {
				ctx = toolkit.WithProtocol(ctx, tt.pin)
			}
			got := limited("http://127.0.0.1:9").Dispatch(ctx, "get_account", []byte(tt.body))
			is.Equal(string(got), tt.want)
		})
	}
}

func TestLatestErrors(t *testing.T) {
	tests := []struct {
		name, capability, body string
		want                   string // the whole document
	}{
		{name: "not_implemented becomes unsupported_operation", capability: "list_expenses", body: `{"rate_limit":null}`,
			want: `{"is_error":true,"error":{"message":"Capability 'list_expenses' is not implemented.","status_code":null,"app_error_code":null,"error_code":"unsupported_operation","app_id":"limited","raised_by":null,"raised_in":null,"error_metadata":{"fault":"connector","category":"internal","retryable":false,"throttled":false,"refreshable":false,"hint":null}},"raw_data":null,"page":null}`},
		{name: "a pipeline check keeps bad_request", capability: "get_account", body: `{"rate_limit":null,"request":{"account_id":"a"}}`,
			want: `{"is_error":true,"error":{"message":"Missing auth/credentials in request","status_code":null,"app_error_code":null,"error_code":"bad_request","app_id":"limited","raised_by":null,"raised_in":null,"error_metadata":{"fault":"caller","category":"client","retryable":false,"throttled":false,"refreshable":false,"hint":null}},"raw_data":null,"page":null}`},
		{name: "the typed missing-auth error", capability: "get_account", body: `{` + tokenAuth + `,"rate_limit":null,"request":{"account_id":"missing-auth"}}`,
			want: `{"is_error":true,"error":{"message":"Wrong auth: required credential for OAuth 2.0 authentication is missing or not configured.","status_code":null,"app_error_code":null,"error_code":"integration_missing_parameter","app_id":"limited","raised_by":"errs.Error","raised_in":"toolkit_test:get_account","error_metadata":{"fault":"caller","category":"client","retryable":false,"throttled":false,"refreshable":false,"hint":null}},"raw_data":null,"page":null}`},
		{name: "a hint reaches error_metadata", capability: "get_account", body: `{` + tokenAuth + `,"rate_limit":null,"request":{"account_id":"hint"}}`,
			want: `{"is_error":true,"error":{"message":"gone","status_code":null,"app_error_code":null,"error_code":"not_found","app_id":"limited","raised_by":"errs.Error","raised_in":"toolkit_test:get_account","error_metadata":{"fault":"caller","category":"client","retryable":false,"throttled":false,"refreshable":false,"hint":"Check the account id."}},"raw_data":null,"page":null}`},
		{name: "conflict is kept", capability: "get_account", body: `{` + tokenAuth + `,"rate_limit":null,"request":{"account_id":"conflict"}}`,
			want: `{"is_error":true,"error":{"message":"already there","status_code":null,"app_error_code":null,"error_code":"conflict","app_id":"limited","raised_by":"errs.Error","raised_in":"toolkit_test:get_account","error_metadata":{"fault":"caller","category":"client","retryable":false,"throttled":false,"refreshable":false,"hint":null}},"raw_data":null,"page":null}`},
		{name: "conflict in 0.37 is bad_request", capability: "get_account", body: `{` + tokenAuth + `,"request":{"account_id":"conflict"}}`,
			want: `{"is_error":true,"error":{"message":"already there","status_code":null,"app_error_code":null,"error_code":"bad_request","app_id":"limited","raised_by":"errs.Error","raised_in":"toolkit_test:get_account"},"raw_data":null,"page":null}`},
		{name: "a timeout is retryable", capability: "get_account", body: `{` + tokenAuth + `,"rate_limit":null,"request":{"account_id":"plain"}}`,
			want: `{"is_error":true,"error":{"message":"context deadline exceeded","status_code":null,"app_error_code":null,"error_code":"request_timeout","app_id":"limited","raised_by":"context.deadlineExceededError","raised_in":"toolkit_test:get_account","error_metadata":{"fault":"upstream","category":"transient","retryable":true,"throttled":false,"refreshable":false,"hint":null}},"raw_data":null,"page":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			got := limited("http://127.0.0.1:9").Dispatch(context.Background(), tt.capability, []byte(tt.body))
			is.Equal(string(got), tt.want)
		})
	}
}

func TestRateLimitRequestIsStrict(t *testing.T) {
	tests := []struct {
		name, rateLimit, message string
	}{
		{name: "a string deadline", rateLimit: `{"max_execution_time":"10"}`,
			message: "Invalid request - rate_limit.max_execution_time: expected number, got string"},
		{name: "a negative deadline", rateLimit: `{"max_execution_time":-1}`,
			message: "Invalid request - rate_limit.max_execution_time: expected a number of seconds not below 0, got -1"},
		{name: "an unknown mode", rateLimit: `{"caller_override_mode":"SOMETIMES"}`,
			message: `Invalid request - rate_limit.caller_override_mode: expected one of BYPASS, ENFORCE, got "SOMETIMES"`},
		{name: "not an object", rateLimit: `[]`,
			message: "Invalid request - rate_limit: expected a JSON object, got array"},
		{name: "a state of the wrong type", rateLimit: `{"last_known_state":{"limited":{"remaining":"7"}}}`,
			message: "Invalid request - rate_limit.last_known_state.remaining: expected integer, got string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			doc := limited("http://127.0.0.1:9").Dispatch(context.Background(), "get_account",
				[]byte(`{`+tokenAuth+`,"request":{"account_id":"a"},"rate_limit":`+tt.rateLimit+`}`))
			e := errorOf(t, doc)
			is.Equal(e.ErrorCode, errs.BadRequest)
			is.Equal(e.Message, tt.message)
		})
	}
	t.Run("unknown keys are ignored and modes take either case", func(t *testing.T) {
		is := is.New(t)
		doc := limited("http://127.0.0.1:9").Dispatch(context.Background(), "get_account",
			[]byte(`{`+tokenAuth+`,"request":{"account_id":"a"},"rate_limit":{"future":1,"caller_override_mode":"bypass"}}`))
		is.True(strings.HasSuffix(string(doc), `"rate_limit":null}`))
	})
}

func TestMaxExecutionTimeIsTheDeadline(t *testing.T) {
	slow := newUpstream(t, 10*time.Second, nil)
	tests := []struct {
		name, rateLimit string
		code            errs.ErrorCode
		message         string
		within          time.Duration
	}{
		{name: "a slow upstream is cut at the caller's deadline", rateLimit: `{"max_execution_time":0.3}`, code: errs.BudgetExhausted,
			message: "Call deadline reached: the call ran for the 0.3 s the request allows (rate_limit.max_execution_time); stopping it.", within: 3 * time.Second},
		{name: "the budget's shorter wall time still applies", rateLimit: `{"max_execution_time":600}`, code: errs.BudgetExhausted,
			message: "Call budget exceeded: the call ran for its limit of 200ms", within: 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			t.Setenv(toolkit.EnvMaxCallDuration, "200ms")
			if strings.Contains(tt.rateLimit, "0.3") {
				t.Setenv(toolkit.EnvMaxCallDuration, "")
			}
			start := time.Now()
			doc := limited(slow.srv.URL).Dispatch(context.Background(), "list_accounts",
				[]byte(`{`+tokenAuth+`,"request":{},"rate_limit":`+tt.rateLimit+`}`))
			is.True(time.Since(start) < tt.within)
			var env toolkit.ErrorResponseLatest
			is.NoErr(json.Unmarshal(doc, &env))
			is.Equal(env.Error.ErrorCode, tt.code)
			is.True(strings.HasPrefix(env.Error.Message, tt.message))
			is.Equal(*env.Error.ErrorMetadata, errs.Metadata{Fault: errs.FaultUpstream, Category: errs.CategoryTransient})
		})
	}
	t.Run("in 0.37 the budget is an api_error, as before", func(t *testing.T) {
		is := is.New(t)
		t.Setenv(toolkit.EnvMaxCallDuration, "200ms")
		doc := limited(slow.srv.URL).Dispatch(context.Background(), "list_accounts", []byte(`{`+tokenAuth+`,"request":{}}`))
		e := errorOf(t, doc)
		is.Equal(e.ErrorCode, errs.APIError)
		is.True(!strings.Contains(string(doc), "error_metadata"))
	})
}

func TestCurrentStateFromRateLimitHeaders(t *testing.T) {
	reset := time.Now().Add(time.Hour).Unix()
	tests := []struct {
		name    string
		headers map[string]string
		want    string // the rate_limit member
	}{
		{name: "no rate-limit headers: null", want: `null`},
		{name: "X-RateLimit-* and a policy window",
			headers: map[string]string{"X-RateLimit-Remaining": "7", "X-RateLimit-Limit": "50", "X-RateLimit-Reset": strconv.FormatInt(reset, 10), "RateLimit-Policy": `50;w=30`},
			want:    `{"current_state":{"limited":{"remaining":7,"limit":50,"reset":` + strconv.FormatInt(reset, 10) + `,"window_seconds":30,"current_delay":0,"source":"X-RateLimit"}}}`},
		{name: "Okta's X-Rate-Limit-*",
			headers: map[string]string{"X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Limit": "600"},
			want:    `{"current_state":{"limited":{"remaining":0,"limit":600,"reset":null,"window_seconds":null,"current_delay":0,"source":"X-Rate-Limit"}}}`},
		{name: "absurd values are left out",
			headers: map[string]string{"X-RateLimit-Remaining": "-5", "X-RateLimit-Limit": "99999999999", "X-RateLimit-Reset": "99999999999999", "RateLimit-Policy": `x;w=-3`},
			want:    `{"current_state":{"limited":{"remaining":null,"limit":null,"reset":null,"window_seconds":null,"current_delay":0,"source":"X-RateLimit"}}}`},
		{name: "the structured RateLimit header",
			headers: map[string]string{"RateLimit": `"default";r=12;t=30`},
			want:    `{"current_state":{"limited":{"remaining":12,"limit":null,"reset":null,"window_seconds":null,"current_delay":0,"source":"RateLimit"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			up := newUpstream(t, 0, tt.headers)
			doc := limited(up.srv.URL).Dispatch(context.Background(), "list_accounts", []byte(`{`+tokenAuth+`,"request":{},"rate_limit":null}`))
			var env struct {
				RateLimit json.RawMessage `json:"rate_limit"`
			}
			is.NoErr(json.Unmarshal(doc, &env))
			is.Equal(string(env.RateLimit), tt.want)
			is.True(strings.HasSuffix(string(doc), `"execution_summary":null,"rate_limit":`+tt.want+`}`)) // the last member
		})
	}
	t.Run("0.37 answers have no rate_limit", func(t *testing.T) {
		is := is.New(t)
		up := newUpstream(t, 0, map[string]string{"X-RateLimit-Remaining": "7"})
		doc := limited(up.srv.URL).Dispatch(context.Background(), "list_accounts", []byte(`{`+tokenAuth+`,"request":{}}`))
		is.True(!strings.Contains(string(doc), "rate_limit"))
	})
}

func TestLastKnownStateSeedsTheLimiter(t *testing.T) {
	future := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	tests := []struct {
		name, rateLimit string
		hits            int64
		code            errs.ErrorCode // "" for a success
		remaining       string         // what the client reported, on success
	}{
		{name: "a spent limit resetting in an hour fails before any request",
			rateLimit: `{"last_known_state":{"limited":{"remaining":0,"reset":` + future + `}}}`, code: errs.RateLimit},
		{name: "BYPASS ignores it", rateLimit: `{"caller_override_mode":"BYPASS","last_known_state":{"limited":{"remaining":0,"reset":` + future + `}}}`,
			hits: 1, remaining: "remaining=-1"},
		{name: "ENFORCE honours it", rateLimit: `{"caller_override_mode":"ENFORCE","last_known_state":{"limited":{"remaining":0,"reset":` + future + `}}}`,
			code: errs.RateLimit},
		{name: "a remaining count seeds the quota", rateLimit: `{"last_known_state":{"limited":{"remaining":42,"limit":50}}}`,
			hits: 1, remaining: "remaining=42"},
		{name: "another limit's state is not ours", rateLimit: `{"last_known_state":{"other":{"remaining":0,"reset":` + future + `}}}`,
			hits: 1, remaining: "remaining=-1"},
		{name: "a short current delay is waited out", rateLimit: `{"last_known_state":{"limited":{"current_delay":1}}}`,
			hits: 1, remaining: "remaining=-1"},
		{name: "a delay longer than the client may wait fails at once", rateLimit: `{"last_known_state":{"limited":{"current_delay":3600}}}`,
			code: errs.RateLimit},
		{name: "absurd states are ignored", rateLimit: `{"last_known_state":{"limited":{"remaining":-4,"reset":99999999999999,"current_delay":-1}}}`,
			hits: 1, remaining: "remaining=-1"},
		{name: "a reset in the past is no wait", rateLimit: `{"last_known_state":{"limited":{"remaining":0,"reset":1000000000}}}`,
			hits: 1, remaining: "remaining=0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			up := newUpstream(t, 0, nil)
			doc := limited(up.srv.URL).Dispatch(context.Background(), "list_accounts", []byte(`{`+tokenAuth+`,"request":{},"rate_limit":`+tt.rateLimit+`}`))
			is.Equal(up.hits.Load(), tt.hits)
			if tt.code != "" {
				e := errorOf(t, doc)
				is.Equal(e.ErrorCode, tt.code)
				is.True(strings.Contains(e.Message, "rate_limit.last_known_state"))
				return
			}
			var env toolkit.ListAccountsResponse
			is.NoErr(json.Unmarshal(doc, &env))
			is.Equal(env.Response[len(env.Response)-1].IntegrationSpecificID, tt.remaining)
		})
	}
}

func TestTranslatedCodes(t *testing.T) {
	// The reference's DEPRECATED_CODE_REDIRECTS and classification tables.
	tests := []struct {
		old, current errs.ErrorCode
		meta         errs.Metadata
	}{
		{errs.APIError, errs.InvalidResponse, errs.Metadata{Fault: errs.FaultConnector, Category: errs.CategoryInternal}},
		{errs.ClientCallError, errs.InvalidResponse, errs.Metadata{Fault: errs.FaultConnector, Category: errs.CategoryInternal}},
		{errs.NotImplemented, errs.UnsupportedOperation, errs.Metadata{Fault: errs.FaultConnector, Category: errs.CategoryInternal}},
		{errs.UnexpectedError, errs.InternalError, errs.Metadata{Fault: errs.FaultConnector, Category: errs.CategoryInternal, Retryable: true}},
		{errs.Unauthenticated, errs.Unauthorized, errs.Metadata{Fault: errs.FaultUpstream, Category: errs.CategoryAuthentication, Refreshable: true}},
		{errs.RateLimit, errs.RateLimit, errs.Metadata{Fault: errs.FaultUpstream, Category: errs.CategoryTransient, Retryable: true, Throttled: true}},
		{errs.CredsRevoked, errs.CredsRevoked, errs.Metadata{Fault: errs.FaultUpstream, Category: errs.CategoryAuthentication, Refreshable: true}},
		{errs.PermissionDenied, errs.PermissionDenied, errs.Metadata{Fault: errs.FaultUpstream, Category: errs.CategoryAuthorization}},
		{errs.ConnectionClosed, errs.ConnectionClosed, errs.Metadata{Fault: errs.FaultInfrastructure, Category: errs.CategoryTransient, Retryable: true}},
		{errs.BudgetExhausted, errs.BudgetExhausted, errs.Metadata{Fault: errs.FaultUpstream, Category: errs.CategoryTransient}},
		{errs.InvalidPageToken, errs.InvalidPageToken, errs.Metadata{Fault: errs.FaultCaller, Category: errs.CategoryClient}},
		{"made_up", errs.InternalError, errs.Metadata{Fault: errs.FaultConnector, Category: errs.CategoryInternal, Retryable: true}},
	}
	for _, tt := range tests {
		t.Run(string(tt.old), func(t *testing.T) {
			is := is.New(t)
			is.Equal(errs.Current(tt.old), tt.current)
			is.Equal(errs.MetadataOf(tt.old, ""), tt.meta)
		})
	}
}

// multi is a connector with three credentials, as the reference's executor
// tests declare them.
func multi(allowed [][]string, optional ...bool) *toolkit.Integration {
	opt := func(i int) bool { return i < len(optional) && optional[i] }
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "multi", Version: "0.1.0", AllowedCredentials: allowed,
		Credentials: []toolkit.CredentialConfig{
			{ID: "cred_1", Type: toolkit.AuthBasic, Description: "one", Optional: opt(0)},
			{ID: "cred_2", Type: toolkit.AuthToken, Description: "two", Optional: opt(1)},
			{ID: "cred_3", Type: toolkit.AuthOAuth, Description: "three", Optional: opt(2)},
		}})
	toolkit.Handle(in, toolkit.CapListAccounts, func(_ context.Context, _ toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		return toolkit.ListAccountsResponse{}, nil
	})
	return in
}

func TestCredentialCombinations(t *testing.T) {
	const basic = `{"id":"cred_1","basic":{"username":"u","password":"p4ssw0rd"}}`
	const token = `{"id":"cred_2","token":{"token":"t0ken-abc"}}`
	const oauth = `{"id":"cred_3","oauth":{"access_token":"acc3ss-abc"}}`
	tests := []struct {
		name      string
		in        *toolkit.Integration
		creds     string
		latest    string // the message in the latest protocol, "" for a success
		protocol0 string // the message in 0.37, "" for a success
	}{
		{name: "a combination missing a payload names its kind", in: multi([][]string{{"cred_1", "cred_2"}}),
			creds: `[` + basic + `,{"id":"cred_2"}]`, latest: "Missing 'token' credential in request", protocol0: "Missing 'token' credential in request"},
		{name: "several missing kinds are listed", in: multi([][]string{{"cred_1", "cred_2", "cred_3"}}),
			creds: `[` + basic + `,{"id":"cred_2"}]`, latest: "Missing 'token, oauth' credential in request", protocol0: "Missing 'token' credential in request"},
		{name: "a satisfied combination ignores other incomplete credentials", in: multi([][]string{{"cred_1"}}),
			creds: `[` + basic + `,{"id":"cred_2"}]`, protocol0: "Missing 'token' credential in request"},
		{name: "of duplicates the complete one counts", in: multi([][]string{{"cred_1"}}),
			creds: `[` + basic + `,{"id":"cred_1"}]`, protocol0: "Missing 'basic' credential in request"},
		{name: "inferred: an optional credential alone", in: multi(nil, false, true, true),
			creds: `[` + token + `]`, latest: "", protocol0: "Missing 'basic' credential in request"},
		{name: "inferred: the required ones together", in: multi(nil, false, false, true),
			creds: `[` + basic + `]`, latest: "Missing 'token' credential in request", protocol0: "Missing 'token' credential in request"},
		{name: "inferred: all optional, one without its payload", in: multi(nil, true, true, true),
			creds: `[{"id":"cred_2"}]`, latest: "Missing 'basic' credential in request"},
		{name: "the closest combination is named", in: multi([][]string{{"cred_1", "cred_2", "cred_3"}, {"cred_3"}}),
			creds: `[` + basic + `]`, latest: "Missing 'oauth' credential in request", protocol0: "Missing 'token' credential in request"},
		{name: "all of them", in: multi(nil), creds: `[` + basic + `,` + token + `,` + oauth + `]`},
		{name: "an unknown id", in: multi(nil), creds: `[{"id":"cred_9"}]`,
			latest: "Credential with id 'cred_9' not expected", protocol0: "Credential with id 'cred_9' not expected"},
		{name: "an empty list", in: multi(nil), creds: `[]`,
			latest: "Missing credentials in request", protocol0: "Missing credentials in request"},
	}
	for _, tt := range tests {
		for _, p := range []toolkit.Protocol{toolkit.ProtocolLatest, toolkit.Protocol037} {
			t.Run(tt.name+"/"+string(p), func(t *testing.T) {
				is := is.New(t)
				want := tt.latest
				if p == toolkit.Protocol037 {
					want = tt.protocol0
				}
				doc := tt.in.Dispatch(toolkit.WithProtocol(context.Background(), p), "list_accounts",
					[]byte(`{"credentials":`+tt.creds+`,"request":{}}`))
				if want == "" {
					is.True(!strings.Contains(string(doc), `"is_error"`)) // a success
					return
				}
				e := errorOf(t, doc)
				is.Equal(e.ErrorCode, errs.BadRequest)
				is.Equal(e.Message, want)
			})
		}
	}
}

func TestAllowedCredentialsDeclared(t *testing.T) {
	tests := []struct {
		name    string
		allowed [][]string
		panics  string
		want    string // x-allowed-credentials
	}{
		{name: "inferred", want: `[["cred_1","cred_2","cred_3"]]`},
		{name: "declared", allowed: [][]string{{"cred_1", "cred_2"}, {"cred_3"}}, want: `[["cred_1","cred_2"],["cred_3"]]`},
		{name: "an unknown id", allowed: [][]string{{"cred_9"}}, panics: `"cred_9", which is not a declared credential ID`},
		{name: "an empty combination", allowed: [][]string{{}}, panics: "allowed credential combination 0 is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			if tt.panics != "" {
				defer func() {
					r := recover()
					is.True(r != nil)
					is.True(strings.Contains(fmtAny(r), tt.panics))
				}()
			}
			doc := multi(tt.allowed).Dispatch(context.Background(), "app_info", []byte(`{"request":{}}`))
			var env struct {
				Response struct {
					AppSchema struct {
						Info struct {
							Allowed json.RawMessage `json:"x-allowed-credentials"`
						} `json:"info"`
					} `json:"app_schema"`
				} `json:"response"`
			}
			is.NoErr(json.Unmarshal(doc, &env))
			is.Equal(string(env.Response.AppSchema.Info.Allowed), tt.want)
		})
	}
}

func fmtAny(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestLatestErrorsMaskSecrets(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		body string
	}{
		{name: "latest", ctx: context.Background(), body: `{` + tokenAuth + `,"rate_limit":null,"request":{"account_id":"leak"}}`},
		{name: "0.37", ctx: context.Background(), body: `{` + tokenAuth + `,"request":{"account_id":"leak"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			doc := string(limited("http://127.0.0.1:9").Dispatch(tt.ctx, "get_account", []byte(tt.body)))
			is.True(!strings.Contains(doc, "t0ken-abc"))            // the request's token
			is.True(!strings.Contains(doc, "ghs_minted0123456789")) // a minted one
			is.True(strings.Contains(doc, "bad token REDACTED"))
			if tt.name == "latest" {
				is.True(strings.Contains(doc, `"hint":"replace REDACTED or REDACTED"`))
				is.True(strings.Contains(doc, `"refreshable":true`))
			}
		})
	}
}

func TestErrorDocumentFollowsTheEnvironment(t *testing.T) {
	tests := []struct {
		env, want string
	}{
		{env: "", want: `{"is_error":true,"error":{"message":"The call was interrupted by SIGTERM before it finished.","status_code":null,"app_error_code":null,"error_code":"unexpected_error","app_id":"limited","raised_by":null,"raised_in":null},"raw_data":null,"page":null}`},
		{env: "latest", want: `{"is_error":true,"error":{"message":"The call was interrupted by SIGTERM before it finished.","status_code":null,"app_error_code":null,"error_code":"internal_error","app_id":"limited","raised_by":null,"raised_in":null,"error_metadata":{"fault":"connector","category":"internal","retryable":true,"throttled":false,"refreshable":false,"hint":null}},"raw_data":null,"page":null}`},
	}
	for _, tt := range tests {
		t.Run("LUMOS_PROTOCOL="+tt.env, func(t *testing.T) {
			is := is.New(t)
			t.Setenv(toolkit.EnvProtocol, tt.env)
			got := limited("http://127.0.0.1:9").ErrorDocument(errs.New(errs.UnexpectedError, "The call was interrupted by SIGTERM before it finished."))
			is.Equal(string(got), tt.want)
		})
	}
}
