package httpclient_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// TestRateLimitRemaining: the client tells the requests left as the latest
// answer's rate-limit headers state them, -1 before any answer states it,
// and 0 for good once an answer was refused for rate.
func TestRateLimitRemaining(t *testing.T) {
	tests := []struct {
		name    string
		answers []http.Header // in order; each answered 200
		limited int           // then one answer refused with this status (0: none)
		want    int
	}{
		{name: "no answer yet", want: -1},
		{name: "no rate-limit headers", answers: []http.Header{{}}, want: -1},
		{name: "GitHub", answers: []http.Header{{"X-Ratelimit-Remaining": {"4999"}}}, want: 4999},
		{name: "Okta", answers: []http.Header{{"X-Rate-Limit-Remaining": {"12"}}}, want: 12},
		{name: "IETF draft", answers: []http.Header{{"Ratelimit-Remaining": {"7"}}}, want: 7},
		{name: "structured, smallest policy", answers: []http.Header{{"Ratelimit": {`"hour";r=300;t=10, "minute";r=40;t=3`}}}, want: 40},
		{name: "structured, dictionary form", answers: []http.Header{{"Ratelimit": {"limit=100, remaining=55, reset=30"}}}, want: 55},
		{name: "garbage ignored", answers: []http.Header{{"X-Ratelimit-Remaining": {"lots"}}}, want: -1},
		{name: "the latest answer counts", answers: []http.Header{{"X-Ratelimit-Remaining": {"90"}}, {}, {"X-Ratelimit-Remaining": {"5000"}}}, want: 5000},
		{name: "after a 429", answers: []http.Header{{"X-Ratelimit-Remaining": {"4000"}}}, limited: http.StatusTooManyRequests, want: 0},
		{name: "after a primary limit 403", answers: []http.Header{{"X-Ratelimit-Remaining": {"4000"}}}, limited: http.StatusForbidden, want: 0},
		{name: "a plain 403 is not a limit", answers: []http.Header{{"X-Ratelimit-Remaining": {"4000"}}}, limited: -http.StatusForbidden, want: 4000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			n := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n < len(tt.answers) {
					for k, v := range tt.answers[n] {
						w.Header()[k] = v
					}
					n++
					w.Write([]byte(`{}`))
					return
				}
				switch {
				case tt.limited > 0:
					w.Header().Set("X-Ratelimit-Remaining", "0")
					w.Header().Set("Retry-After", "3600")
					w.WriteHeader(tt.limited)
				default:
					w.WriteHeader(-tt.limited)
				}
				w.Write([]byte(`{"message":"no"}`))
			}))
			defer srv.Close()
			clock := newClock()
			opts := clock.options(srv.URL)
			opts.MaxRateLimitWait = -1
			c := httpclient.New(context.Background(), opts)
			for range tt.answers {
				_, err := c.GetJSON(context.Background(), "/", nil)
				is.NoErr(err)
			}
			if tt.limited != 0 {
				_, err := c.GetJSON(context.Background(), "/", nil)
				is.True(err != nil)
			}
			is.Equal(c.RateLimitRemaining(), tt.want)
		})
	}
}
