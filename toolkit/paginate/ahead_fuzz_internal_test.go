package paginate

import (
	"strings"
	"testing"
)

// FuzzPageNumbers reads any pair of next and last links as page-numbered
// URLs: what it accepts gives back next and last themselves at their
// numbers, and every page between them reads as the same sequence from
// its own number on.
func FuzzPageNumbers(f *testing.F) {
	for _, seed := range [][2]string{
		{"https://api.github.com/organizations/9919/members?per_page=100&page=2", "https://api.github.com/organizations/9919/members?per_page=100&page=7"},
		{"/orgs/acme/members?page=2", "/orgs/acme/members?page=2"},
		{"/x?page=02", "/x?page=7"},
		{"/x?page=9", "/x?page=7"},
		{"/x?page=2&a=1", "/x?page=3&a=2"},
		{"/x?page=2#f", "/x?page=3#f"},
		{"/x?page=-1", "/x?page=3"},
		{"/x?=2", "/x?=3"},
		{"/x?page=2", "/y?page=3"},
		{"/x?page=1", "/x?page=99999999999999999999"},
		{"/x?page=1", "/x?page=9223372036854775807"},
		{"/x?a&page=1&", "/x?a&page=4&"},
		{"", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, next, last string) {
		at, from, to, ok := pageNumbers(next, last)
		if !ok {
			return
		}
		if from < 0 || to < from || at(from) != next || at(to) != last {
			t.Fatalf("pageNumbers(%q, %q) = %d..%d with at(from) %q, at(to) %q", next, last, from, to, at(from), at(to))
		}
		if next == last {
			return
		}
		for _, n := range []int{from + 1, (from + to) / 2, to - 1} {
			if n <= from || n >= to {
				continue // next itself, or last, which reads as a single page
			}
			page := at(n)
			if strings.ContainsRune(page, '#') || !strings.Contains(page, "?") {
				t.Fatalf("page %d of %q..%q is %q", n, next, last, page)
			}
			at2, from2, to2, ok2 := pageNumbers(page, last)
			if !ok2 || from2 != n || to2 != to || at2(to) != last {
				t.Fatalf("page %d (%q) of %q..%q reads back as %d..%d, %v", n, page, next, last, from2, to2, ok2)
			}
		}
	})
}
