package httpclient_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
	"github.com/lumosgo/lumos/toolkit/httpclient"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// TestCarelessListingEnds follows next links with no guard of its own, as
// a careless connector would: the client's per-call guard and budget end
// every hostile listing, within a bounded number of requests.
func TestCarelessListingEnds(t *testing.T) {
	tests := []struct {
		route       string
		budget      toolkit.Budget
		maxRequests int    // requests the server may see
		message     string // in the api_error
	}{
		{route: "self-link", maxRequests: toolkit.MaxSameGET, message: "Request loop: the call already fetched"},
		{route: "self-link-full", maxRequests: toolkit.MaxSameGET, message: "Request loop"},
		{route: "cycle", maxRequests: 2 * toolkit.MaxSameGET, message: "Request loop"},
		{route: "repeated", budget: toolkit.Budget{MaxRequests: 40}, maxRequests: 40, message: "limit of 40 upstream requests"},
		{route: "empty-pages", budget: toolkit.Budget{MaxRequests: 25}, maxRequests: 25, message: "limit of 25 upstream requests"},
		{route: "endless", budget: toolkit.Budget{MaxRequests: 30}, maxRequests: 30, message: "limit of 30 upstream requests"},
		{route: "endless-fat", budget: toolkit.Budget{MaxBytes: 4 << 20}, maxRequests: 5, message: "limit of 4194304 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			srv := hostile.New(t, nil)
			ctx, cancel := toolkit.WithBudget(context.Background(), tt.budget)
			defer cancel()
			c := httpclient.New(ctx, httpclient.Options{AppID: "test", BaseURL: srv.URL()})
			var err error
			for path, n := "/"+tt.route+"/users", 0; path != "" && n < 10_000; n++ {
				var out []map[string]any
				var r *httpclient.Response
				if r, err = c.GetJSON(ctx, path, &out); err != nil {
					break
				}
				path = paginate.NextLink(r.Header)
			}
			is.True(err != nil)
			d := errs.Describe(err, nil)
			is.Equal(d.Code, errs.APIError)
			is.True(strings.Contains(d.Message, tt.message)) // names the loop or the limit
			is.True(srv.Requests() <= tt.maxRequests)        // bounded
		})
	}
}

// TestRetriesAreCharged: every attempt counts against the budget, and the
// budget stops the retries at once.
func TestRetriesAreCharged(t *testing.T) {
	is := is.New(t)
	s, srv := serve(t, reply{status: 503})
	ctx, cancel := toolkit.WithBudget(context.Background(), toolkit.Budget{MaxRequests: 3})
	defer cancel()
	clock := newClock()
	opts := clock.options(srv.URL)
	opts.MaxAttempts = 10
	c := httpclient.New(ctx, opts)
	_, err := c.GetJSON(ctx, "/x", nil)
	is.Equal(int(s.hits.Load()), 3)
	d := errs.Describe(err, nil)
	is.Equal(d.Code, errs.APIError)
	is.True(strings.Contains(d.Message, "limit of 3 upstream requests"))
}

// TestClientOutsideACallIsBounded: a client made without a call's budget
// keeps one of its own.
func TestClientOutsideACallIsBounded(t *testing.T) {
	is := is.New(t)
	t.Setenv(toolkit.EnvMaxUpstreamRequests, "5")
	srv := hostile.New(t, nil)
	c := httpclient.New(context.Background(), httpclient.Options{AppID: "test", BaseURL: srv.URL()})
	var err error
	for path := "/endless/users"; err == nil; {
		var r *httpclient.Response
		if r, err = c.GetJSON(context.Background(), path, nil); err == nil {
			path = paginate.NextLink(r.Header)
		}
	}
	is.Equal(srv.Requests(), 5)
	is.True(strings.Contains(err.Error(), "limit of 5 upstream requests"))
}

// TestHostileAnswers: broken connections, nulls, mistyped ids and absurd
// rate-limit values each give the right error, never an immediate retry
// storm or a wrong date.
func TestHostileAnswers(t *testing.T) {
	type entry struct {
		ID    int64  `json:"id"`
		Login string `json:"login"`
	}
	tests := []struct {
		route   string
		code    errs.ErrorCode
		message []string
		waits   bool // the retry waited a backoff (not "now")
	}{
		{route: "eof-mid-body", code: errs.APIError, message: []string{"connection to the API broke during GET", "/eof-mid-body/users", "unexpected EOF"}},
		{route: "reset-mid-body", code: errs.APIError, message: []string{"connection to the API broke during GET"}},
		{route: "nulls", code: errs.InvalidResponse, message: []string{"entry 1 of the list at http://", "/nulls/users?page=2", "is null"}},
		{route: "zero-ids", code: errs.InvalidResponse, message: []string{"entry 0 of the list", "no id"}},
		{route: "bad-ids", code: errs.InvalidResponse, message: []string{"the answer to GET http://", "/bad-ids/users?page=2 does not have the expected shape"}},
		{route: "retry-after-9999", code: errs.RateLimit, message: []string{"asks to wait until 9999-12-31T23:59:59Z"}},
		{route: "reset-9999", code: errs.RateLimit, message: []string{"asks to wait until 9999-12-31T23:59:59Z"}},
		{route: "retry-after-1e308", code: errs.RateLimit, message: []string{"without saying when"}, waits: true},
		{route: "retry-after-huge", code: errs.RateLimit, message: []string{"without saying when"}, waits: true},
		{route: "retry-after-big", code: errs.RateLimit, message: []string{"without saying when"}, waits: true},
		{route: "retry-after-negative", code: errs.RateLimit, message: []string{"without saying when"}, waits: true},
		{route: "reset-1e308", code: errs.RateLimit, message: []string{"without saying when"}, waits: true},
		{route: "reset-huge", code: errs.RateLimit, message: []string{"without saying when"}, waits: true},
		{route: "reset-negative", code: errs.RateLimit, message: []string{"without saying when"}, waits: true},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			srv := hostile.New(t, nil)
			clock := newClock()
			opts := clock.options(srv.URL())
			opts.MaxAttempts = 2
			c := httpclient.New(context.Background(), opts)
			page := "/" + tt.route + "/users?page=2"
			var list []*entry
			_, err := c.GetJSON(context.Background(), page, &list)
			if err == nil {
				err = httpclient.CheckList(srv.URL()+page, list, func(e *entry) error {
					if e.ID <= 0 {
						return errs.New(errs.InvalidResponse, "it has no id")
					}
					return nil
				})
			}
			is.True(err != nil)
			d := errs.Describe(err, rules)
			is.Equal(d.Code, tt.code)
			for _, m := range tt.message {
				is.True(strings.Contains(d.Message, m)) // the message says what went wrong, and where
			}
			if tt.waits {
				w := clock.Waits()
				is.Equal(len(w), 1)
				is.True(w[0] >= 250*time.Millisecond) // a backoff, not "now"
			}
		})
	}
}

// TestPollingIsNotALoop: GETs marked as polls may ask for the same URL
// again and again; unmarked ones may not.
func TestPollingIsNotALoop(t *testing.T) {
	tests := []struct {
		name    string
		polling bool
		ok      int // successful requests before the guard refuses one
	}{
		{"unmarked", false, toolkit.MaxSameGET},
		{"polling", true, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			_, srv := serve(t, reply{status: 200, body: `{"state":"running"}`})
			ctx, cancel := toolkit.WithBudget(context.Background(), toolkit.Budget{})
			defer cancel()
			if tt.polling {
				ctx = httpclient.WithPolling(ctx)
			}
			c := httpclient.New(ctx, httpclient.Options{AppID: "test", BaseURL: srv.URL})
			n := 0
			for ; n < 10; n++ {
				if _, err := c.GetJSON(ctx, "/jobs/1", nil); err != nil {
					is.True(strings.Contains(err.Error(), "Request loop"))
					break
				}
			}
			is.Equal(n, tt.ok)
		})
	}
}
