package httpclient_test

import (
	"context"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// An answer that is not valid HTTP (a header line with control
// characters) is an api_error naming the request, not an unexpected error,
// and its quote of the bad line holds no raw control character.
func TestMalformedAnswerIsAnAPIError(t *testing.T) {
	tests := []struct {
		method string
	}{{"GET"}, {"PUT"}}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			is := is.New(t)
			srv := hostile.New(t, nil)
			ctx, cancel := toolkit.WithBudget(context.Background(), toolkit.Budget{MaxRequests: 10})
			defer cancel()
			c := httpclient.New(ctx, httpclient.Options{AppID: "test", BaseURL: srv.URL(), MaxAttempts: 1})
			var err error
			if tt.method == "GET" {
				_, err = c.GetJSON(ctx, "/malformed-header/x?sig=s3cret", nil)
			} else {
				_, err = c.PutJSON(ctx, "/malformed-header/x?sig=s3cret", map[string]string{"a": "b"}, nil)
			}
			is.True(err != nil)
			d := errs.Describe(err, nil)
			is.Equal(d.Code, errs.APIError)
			is.True(strings.Contains(d.Message, "The API answered "+tt.method+" "+srv.URL()+"/malformed-header/x?sig=REDACTED with a malformed HTTP response"))
			is.True(!strings.ContainsAny(d.Message, "\x1b\r")) // quoted, not raw
		})
	}
}
