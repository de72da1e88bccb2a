package mock_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit"
)

// validAuth is the credential every test call carries unless it tests auth.
var validAuth = json.RawMessage(`{"basic":{"username":"foo","password":"bar"}}`)

// call is one request document: a capability's envelope with its payload.
type call struct {
	Auth     json.RawMessage `json:"auth"`
	Request  any             `json:"request"`
	Page     *toolkit.Page   `json:"page,omitempty"`
	Settings any             `json:"settings"`
}

// settings are the mock settings for a tenant of n accounts.
func settings(n int64) map[string]any { return map[string]any{"host": "h", "tenant_size": n} }

// req builds a call on a tenant of n accounts; a nil payload is sent as {}.
func req(n int64, payload any, page *toolkit.Page) call {
	if payload == nil {
		payload = struct{}{}
	}
	return call{Auth: validAuth, Request: payload, Page: page, Settings: settings(n)}
}

// result is either envelope a Dispatch call can return.
type result struct {
	Response json.RawMessage `json:"response"`
	RawData  json.RawMessage `json:"raw_data"`
	Page     *toolkit.Page   `json:"page"`
	IsError  bool            `json:"is_error"`
	Error    *struct {
		Message   string `json:"message"`
		ErrorCode string `json:"error_code"`
		AppID     string `json:"app_id"`
	} `json:"error"`
}

// dispatchRaw runs c through the mock's full pipeline and returns the document.
func dispatchRaw(tb testing.TB, capability string, c call) []byte {
	tb.Helper()
	body, err := json.Marshal(c)
	if err != nil {
		tb.Fatalf("marshal request: %v", err)
	}
	return mock.Integration().Dispatch(context.Background(), capability, body)
}

// dispatch runs c and decodes the envelope.
func dispatch(tb testing.TB, capability string, c call) result {
	tb.Helper()
	out := dispatchRaw(tb, capability, c)
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		tb.Fatalf("%s: response is not JSON: %v\n%s", capability, err, out)
	}
	return r
}

// ok runs c, fails the test on an error envelope and decodes the payload into a T.
func ok[T any](tb testing.TB, capability string, c call) (T, *toolkit.Page) {
	tb.Helper()
	r := dispatch(tb, capability, c)
	var v T
	if r.IsError {
		tb.Fatalf("%s: unexpected error %s: %s", capability, r.Error.ErrorCode, r.Error.Message)
		return v, nil
	}
	if err := json.Unmarshal(r.Response, &v); err != nil {
		tb.Fatalf("%s: decode response: %v\n%s", capability, err, r.Response)
	}
	return v, r.Page
}

// errorCode runs c and returns the error_code of its error envelope, or
// "" when the call succeeded.
func errorCode(tb testing.TB, capability string, c call) string {
	tb.Helper()
	r := dispatch(tb, capability, c)
	if !r.IsError {
		return ""
	}
	if r.Error == nil {
		tb.Fatalf("%s: is_error without an error object", capability)
	}
	if r.Error.AppID != "mock" {
		tb.Errorf("%s: error app_id %q, want mock", capability, r.Error.AppID)
	}
	return r.Error.ErrorCode
}

// all fetches the whole listing in one page of the largest size.
func all[T any](tb testing.TB, capability string, n int64, payload any) []T {
	tb.Helper()
	var out []T
	var page *toolkit.Page = &toolkit.Page{Size: 10_000}
	for {
		items, next := ok[[]T](tb, capability, req(n, payload, page))
		out = append(out, items...)
		if next == nil {
			return out
		}
		page = next
	}
}

func teams(n int64) int64 { return max(1, (n+24)/25) }
