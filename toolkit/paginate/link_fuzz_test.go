package paginate_test

import (
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/lumosgo/lumos/toolkit/paginate"
)

// linkSeeds are Link header values as upstreams send them (GitHub, Okta,
// RFC 8288's examples) and broken ones; a newline separates two header
// values of one answer.
var linkSeeds = []string{
	`<https://api.github.com/organizations/9919/members?per_page=100&page=2>; rel="next", <https://api.github.com/organizations/9919/members?per_page=100&page=7>; rel="last"`,
	`<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", <https://api.github.com/repositories/1300192/issues?page=4>; rel="next", <https://api.github.com/repositories/1300192/issues?page=515>; rel="last", <https://api.github.com/repositories/1300192/issues?page=1>; rel="first"`,
	"<https://acme.okta.com/api/v1/users?limit=200>; rel=\"self\"\n<https://acme.okta.com/api/v1/users?after=00ub0oNGTSWTBKOLGLNR&limit=200>; rel=\"next\"",
	`<http://example.com/TheBook/chapter2>; rel="previous"; title="previous chapter"`,
	`</>; rel="http://example.net/foo"`,
	`</terms>; rel="copyright"; anchor="#foo"`,
	`</TheBook/chapter2>; rel="previous"; title*=UTF-8'de'letztes%20Kapitel, </TheBook/chapter4>; rel="next"; title*=UTF-8'de'n%c3%a4chstes%20Kapitel`,
	`<http://example.org/>; rel="start http://example.net/relation/other"`,
	"  <https://x.test/2>\t;  rel = \"next\"  ,, <https://x.test/9> ; rel=last ",
	`<https://x.test/2; rel=next`,
	`<https://x.test/2>; rel="next`,
	`<https://x.test/2>; title="a\"b\\"; rel=next`,
	`<https://x.test/2>; rel=next junk, <https://x.test/3>; rel=next`,
	`<https://x.test/?a=1,2;b=3>; rel="next"; REL=prev; Type=text/html`,
	`<<>>; rel=next, <>; rel=last; ;; =; rel`,
	"<https://x.test/\xff>; rel=\"N\xc3\x89XT\"",
	`<https://x.test/99999999999999999999999999999999>; rel=next`,
}

// FuzzParseLinks reads any Link header values: every link's URL is a
// trimmed piece of the input without '>', relation types are lower-case
// words, parameter names are lower-case, and NextLink and LastLink return
// the first link of their relation.
func FuzzParseLinks(f *testing.F) {
	for _, s := range linkSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input string) {
		values := strings.Split(input, "\n")
		links := paginate.ParseLinks(values)
		if len(links) > strings.Count(input, "<") {
			t.Fatalf("%d links from %d '<' in %q", len(links), strings.Count(input, "<"), input)
		}
		next, last := "", ""
		nextSeen, lastSeen := false, false
		for _, l := range links {
			checkLink(t, input, l)
			if !nextSeen && l.HasRel("next") {
				next, nextSeen = l.URL, true
			}
			if !lastSeen && l.HasRel("last") {
				last, lastSeen = l.URL, true
			}
		}
		h := http.Header{}
		for _, v := range values {
			h.Add("Link", v)
		}
		if got := paginate.NextLink(h); got != next {
			t.Fatalf("NextLink = %q, want %q (the first rel=next of %q)", got, next, input)
		}
		if got := paginate.LastLink(h); got != last {
			t.Fatalf("LastLink = %q, want %q (the first rel=last of %q)", got, last, input)
		}
	})
}

// checkLink asserts what holds of every parsed link.
func checkLink(t *testing.T, input string, l paginate.Link) {
	t.Helper()
	if !strings.Contains(input, l.URL) {
		t.Fatalf("URL %q is not a piece of %q", l.URL, input)
	}
	if strings.Contains(l.URL, ">") || l.URL != strings.TrimSpace(l.URL) {
		t.Fatalf("URL %q keeps a '>' or surrounding space (input %q)", l.URL, input)
	}
	for _, r := range l.Rel {
		if r == "" || r != strings.ToLower(r) || strings.IndexFunc(r, unicode.IsSpace) >= 0 {
			t.Fatalf("relation type %q is not one lower-case word (input %q)", r, input)
		}
	}
	for k := range l.Params {
		if k == "" || k == "rel" || k != strings.ToLower(k) || strings.ContainsAny(k, "=;, \t") {
			t.Fatalf("parameter name %q is empty, rel, not lower-case or holds a separator (input %q)", k, input)
		}
	}
}

// quoteParam writes v as an RFC 8288 quoted-string.
func quoteParam(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// FuzzNextLink builds a header from well-formed links (any target without
// '>' or surrounding space, any title) and reads back exactly what it was
// built from: the targets, their relation and their title.
func FuzzNextLink(f *testing.F) {
	f.Add("https://api.github.com/organizations/9919/members?per_page=100&page=2", "https://api.github.com/organizations/9919/members?per_page=100&page=7", "page 2", " ")
	f.Add("https://acme.okta.com/api/v1/users?after=00ub0oNGTSWTBKOLGLNR&limit=200", "", `a, "b"; c\`, "\t")
	f.Add("/x?a=1,2;b=3", "<", `\"`, ",")
	f.Add("", "weird \"url\" ; rel=prev", "", "  ")
	f.Fuzz(func(t *testing.T, next, last, title, space string) {
		for _, u := range []string{next, last} {
			if strings.Contains(u, ">") || u != strings.TrimSpace(u) {
				return // not a target a Link header can carry as given
			}
		}
		if strings.Trim(space, " \t") != "" {
			return
		}
		header := "<" + last + ">" + space + ";" + space + "rel=last" + space + "," + space +
			"<" + next + ">;" + space + "title=" + quoteParam(title) + ";rel=" + space + `"NEXT"`
		links := paginate.ParseLinks([]string{header})
		if len(links) != 2 || links[0].URL != last || links[1].URL != next ||
			!links[0].HasRel("last") || !links[1].HasRel("next") || links[1].Params["title"] != title {
			t.Fatalf("ParseLinks(%q) = %+v, want %q (last) then %q (next, title %q)", header, links, last, next, title)
		}
		h := http.Header{"Link": {header}}
		if got := paginate.NextLink(h); got != next {
			t.Fatalf("NextLink(%q) = %q, want %q", header, got, next)
		}
		if got := paginate.LastLink(h); got != last {
			t.Fatalf("LastLink(%q) = %q, want %q", header, got, last)
		}
	})
}
