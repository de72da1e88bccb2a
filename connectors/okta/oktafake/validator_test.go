package oktafake_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/okta/oktafake"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// TestValidatorCatches: the validator flags what departs from Okta's
// description, so a passing fake is evidence.
func TestValidatorCatches(t *testing.T) {
	v, err := oktafake.LoadValidator()
	if err != nil {
		t.Fatal(err)
	}
	rate := http.Header{"X-Rate-Limit-Limit": {"600"}, "X-Rate-Limit-Remaining": {"599"}, "X-Rate-Limit-Reset": {"1700000000"}, "Content-Type": {"application/json"}}
	cases := []struct {
		name   string
		method string
		target string
		status int
		header http.Header
		body   string
		want   string // "" when the exchange is valid
	}{
		{"valid_list", "GET", "/api/v1/users?limit=2", 200, rate, `[{"id":"00u1","status":"ACTIVE","profile":{"login":"a@b.c","email":"a@b.c"}}]`, ""},
		{"valid_error", "GET", "/api/v1/users/00u1", 404, rate, `{"errorCode":"E0000007","errorSummary":"Not found","errorCauses":[]}`, ""},
		{"undocumented_401_is_cross_cutting", "GET", "/api/v1/users", 401, rate, `{"errorCode":"E0000011","errorSummary":"Invalid token provided"}`, ""},
		{"status_not_a_string", "GET", "/api/v1/users", 200, rate, `[{"id":"00u1","status":3}]`, "response does not match"},
		{"unknown_operation", "GET", "/api/v1/nothing", 200, rate, `{}`, "no operation"},
		{"undocumented_status", "GET", "/api/v1/users", 500, rate, `{}`, "not documented"},
		{"error_body_wrong", "GET", "/api/v1/users", 401, rate, `{"errorCauses":"x"}`, "Error"},
		{"no_rate_headers", "GET", "/api/v1/org", 200, http.Header{"Content-Type": {"application/json"}}, `{"id":"00o1"}`, "X-Rate-Limit-Limit"},
		{"bad_limit_accepted", "GET", "/api/v1/users?limit=abc", 200, rate, `[]`, "request does not match"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			r := httptest.NewRequest(c.method, c.target, nil)
			got := v.Check(r, nil, c.status, c.header, []byte(c.body))
			if c.want == "" {
				is.Equal(len(got), 0)
				return
			}
			is.True(len(got) > 0)
			found := false
			for _, viol := range got {
				found = found || strings.Contains(viol.Error(), c.want)
			}
			is.True(found)
		})
	}
}

// TestFakePaging: limit (clipped at 200) and the Link header's after
// cursor, which repeats the request's other parameters.
func TestFakePaging(t *testing.T) {
	f := oktafake.NewForTest(t)
	f.AddToken(sdkToken)
	ids := f.AddUsers(450)
	f.AddUser(oktafake.User{Status: "DEPROVISIONED"})
	cases := []struct {
		name  string
		first string
		pages int
		items int
	}{
		{"limit_200", "/api/v1/users?limit=200", 3, 450},
		{"limit_clipped", "/api/v1/users?limit=500", 3, 450},
		{"limit_7", "/api/v1/users?limit=7", 65, 450},
		{"filtered", "/api/v1/users?filter=status+eq+%22DEPROVISIONED%22&limit=1", 1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			at, pages, items := f.URL()+c.first, 0, 0
			for at != "" {
				req, _ := http.NewRequest("GET", at, nil)
				req.Header.Set("Authorization", "SSWS "+sdkToken)
				resp, err := http.DefaultClient.Do(req)
				is.NoErr(err)
				var list []map[string]any
				is.NoErr(decode(resp, &list))
				if items == 0 && c.name != "filtered" {
					is.Equal(list[0]["id"], ids[0])
				}
				items += len(list)
				pages++
				at = paginate.NextLink(resp.Header)
				if at != "" && strings.Contains(c.first, "filter") {
					is.True(strings.Contains(at, "filter="))
				}
			}
			is.Equal(pages, c.pages)
			is.Equal(items, c.items)
		})
	}
}
