package githubfake_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/matryer/is"
)

func rateHeaders() http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "4999")
	h.Set("X-RateLimit-Reset", "1700000000")
	h.Set("X-RateLimit-Used", "1")
	h.Set("X-RateLimit-Resource", "core")
	return h
}

// TestValidatorCatchesDrift shows the guard fails on the kinds of drift it
// exists for.
func TestValidatorCatchesDrift(t *testing.T) {
	path, err := githubfake.SpecPath()
	if err != nil {
		t.Fatal(err)
	}
	v, err := githubfake.LoadValidator(path)
	if err != nil {
		t.Fatal(err)
	}
	noRate := rateHeaders()
	noRate.Del("X-RateLimit-Used")
	forbidden403 := rateHeaders()
	secondary := rateHeaders()
	tests := []struct {
		name   string
		method string
		url    string
		status int
		header http.Header
		body   string
		want   string // substring of the violation; "" means no violation
	}{
		{"member list item lacks fields and has a string id", "GET", "/orgs/acme/members", 200, rateHeaders(),
			`[{"login":"x","id":"1"}]`, "response does not match GET /orgs/{org}/members"},
		{"valid empty list", "GET", "/orgs/acme/members", 200, rateHeaders(), `[]`, ""},
		{"undocumented 500", "GET", "/orgs/acme/members", 500, rateHeaders(), `{"message":"oops"}`, "not one of GitHub's cross-cutting"},
		{"403 without a reason", "GET", "/orgs/acme/members", 403, forbidden403, `{"message":"nope"}`, "neither a rate limit"},
		{"secondary rate limit 403 is accepted", "GET", "/orgs/acme/members", 403, secondary,
			`{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`, ""},
		{"429 without a rate-limit signal", "GET", "/orgs/acme/members", 429, rateHeaders(), `{"message":"slow down"}`, "a 429 without"},
		{"invalid enum accepted by the fake", "GET", "/orgs/acme/members?role=owner", 200, rateHeaders(), `[]`, "yet the fake accepted it"},
		{"invalid enum rejected by the fake", "GET", "/orgs/acme/members?role=owner", 422, rateHeaders(),
			`{"message":"Validation Failed","errors":[{"code":"invalid","field":"role"}],"documentation_url":"https://docs.github.com/rest"}`, ""},
		{"missing rate-limit header", "GET", "/orgs/acme/members", 200, noRate, `[]`, "X-RateLimit-Used"},
		{"operation not in the description", "GET", "/orgs/acme/hooks", 200, rateHeaders(), `[]`, "no operation in the description"},
		{"404 body must be basic-error", "GET", "/orgs/acme/repos", 404, rateHeaders(), `{"message":5}`, "does not match basic-error"},
		{"204 with no body", "DELETE", "/orgs/acme/members/bob", 204, rateHeaders(), ``, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			r := httptest.NewRequest(tc.method, tc.url, nil)
			got := v.Check(githubfake.Exchange{Request: r, Status: tc.status, Header: tc.header, Body: []byte(tc.body)})
			if tc.want == "" {
				is.Equal(len(got), 0) // no violation expected
				if len(got) > 0 {
					t.Log(got)
				}
				return
			}
			var all []string
			for _, g := range got {
				all = append(all, g.Error())
			}
			is.True(strings.Contains(strings.Join(all, "\n"), tc.want)) // expected violation
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Log(all)
			}
		})
	}
}
