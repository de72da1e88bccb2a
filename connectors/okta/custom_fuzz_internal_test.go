package okta

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzCustomRoleID: an id parseCustomID accepts is exactly
// CustomRoleID of its parts, each part makes one path segment (never "."
// or "..") that unescapes to it; and two parts checkIAMID accepts come back
// from their id unchanged.
func FuzzCustomRoleID(f *testing.F) {
	for _, seed := range [][2]string{
		{"cr04cxy6yzSCtNciD0g7", "iam4cxy6z7hhaZCSk0g7"}, {"", "iam1"}, {"cr0:x", "iam1"}, {"..", "iam1"}, {"cr0", "."},
		{"a/b", "c"}, {"a", "b?c"}, {"a", "b#"}, {"a b", "c"}, {"%2e%2e", "x"}, {"custom:a", "b"}, {"é", "\x00"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, role, set string) {
		ok := checkIAMID(role) == nil && checkIAMID(set) == nil
		r, s, err := parseCustomID(CustomRoleID(role, set))
		if ok != (err == nil) {
			t.Fatalf("parts %q and %q: accepted %t, parsed with error %v", role, set, ok, err)
		}
		if ok && (r != role || s != set) {
			t.Fatalf("parts %q and %q came back as %q and %q", role, set, r, s)
		}
		for _, id := range []string{role, set, CustomRolePrefix + role, role + ":" + set} {
			r, s, err := parseCustomID(id)
			if err != nil {
				continue
			}
			if CustomRoleID(r, s) != id {
				t.Fatalf("id %q parsed into %q and %q", id, r, s)
			}
			for _, part := range []string{r, s} {
				seg := url.PathEscape(part)
				got, err := url.PathUnescape(seg)
				if seg == "." || seg == ".." || strings.Contains(seg, "/") || err != nil || got != part {
					t.Fatalf("id %q makes the path segment %q for %q", id, seg, part)
				}
			}
		}
	})
}
