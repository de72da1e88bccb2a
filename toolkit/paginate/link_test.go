package paginate_test

import (
	"net/http"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/paginate"
)

func TestParseLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		next   string
		links  []paginate.Link // checked when not nil
	}{
		{name: "GitHub, all four rels",
			values: []string{`<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", <https://api.github.com/repositories/1300192/issues?page=4>; rel="next", <https://api.github.com/repositories/1300192/issues?page=515>; rel="last", <https://api.github.com/repositories/1300192/issues?page=1>; rel="first"`},
			next:   "https://api.github.com/repositories/1300192/issues?page=4",
			links: []paginate.Link{
				{URL: "https://api.github.com/repositories/1300192/issues?page=2", Rel: []string{"prev"}},
				{URL: "https://api.github.com/repositories/1300192/issues?page=4", Rel: []string{"next"}},
				{URL: "https://api.github.com/repositories/1300192/issues?page=515", Rel: []string{"last"}},
				{URL: "https://api.github.com/repositories/1300192/issues?page=1", Rel: []string{"first"}},
			}},
		{name: "unquoted rel", values: []string{`<https://x.test/2>; rel=next`}, next: "https://x.test/2"},
		{name: "several rels in one", values: []string{`<https://x.test/5>; rel="next last"`}, next: "https://x.test/5",
			links: []paginate.Link{{URL: "https://x.test/5", Rel: []string{"next", "last"}}}},
		{name: "spaces everywhere", values: []string{"  <https://x.test/2>\t;  rel = \"next\"  ,  <https://x.test/9> ; rel=last "}, next: "https://x.test/2",
			links: []paginate.Link{{URL: "https://x.test/2", Rel: []string{"next"}}, {URL: "https://x.test/9", Rel: []string{"last"}}}},
		{name: "relative URL left as given", values: []string{`</orgs/acme/members?page=2&per_page=100>; rel="next"`}, next: "/orgs/acme/members?page=2&per_page=100"},
		{name: "commas and semicolons inside the URL", values: []string{`<https://x.test/?a=1,2;b=3>; rel="next", <https://x.test/?a=0>; rel="prev"`}, next: "https://x.test/?a=1,2;b=3"},
		{name: "links across header values", values: []string{`<https://x.test/1>; rel=prev`, `<https://x.test/3>; rel=next`}, next: "https://x.test/3"},
		{name: "other parameters, quoted comma and escape", values: []string{`<https://x.test/3>; title="a, \"b\"; c"; rel="next"; type=text/html`}, next: "https://x.test/3",
			links: []paginate.Link{{URL: "https://x.test/3", Rel: []string{"next"}, Params: map[string]string{"title": `a, "b"; c`, "type": "text/html"}}}},
		{name: "only the first rel counts", values: []string{`<https://x.test/3>; rel="prev"; rel="next"`}, next: "",
			links: []paginate.Link{{URL: "https://x.test/3", Rel: []string{"prev"}}}},
		{name: "case-insensitive", values: []string{`<https://x.test/3>; REL="Next"`}, next: "https://x.test/3"},
		{name: "last page: no next", values: []string{`<https://x.test/1>; rel="first", <https://x.test/1>; rel="prev"`}, next: ""},
		{name: "garbage", values: []string{`https://x.test/2; rel=next`}, next: "", links: []paginate.Link{}},
		{name: "garbage after a good link", values: []string{`<https://x.test/2>; rel=next junk, <https://x.test/3>; rel=next`}, next: "", links: []paginate.Link{}},
		{name: "unterminated", values: []string{`<https://x.test/2; rel=next`}, next: ""},
		{name: "no header", values: nil, next: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("Link", v)
			}
			is.Equal(paginate.NextLink(h), tt.next)
			if tt.links != nil {
				got := paginate.ParseLinks(tt.values)
				is.Equal(len(got), len(tt.links))
				for i := range got {
					is.Equal(got[i].URL, tt.links[i].URL)
					is.Equal(got[i].Rel, tt.links[i].Rel)
					if tt.links[i].Params != nil {
						is.Equal(got[i].Params, tt.links[i].Params)
					}
				}
			}
		})
	}
	is := is.New(t)
	l := paginate.ParseLinks([]string{`<https://x.test/5>; rel="next last"`})[0]
	is.True(l.HasRel("LAST"))
	is.True(!l.HasRel("prev"))
}
