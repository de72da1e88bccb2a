package scim

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/matryer/is"
	filter "github.com/scim2/filter-parser/v2"
)

// readEqFilter parses f with an independent SCIM filter parser and returns
// the attribute path and the decoded value of its `eq` comparison.
func readEqFilter(f string) (attr, value string, err error) {
	e, err := filter.ParseFilter([]byte(f))
	if err != nil {
		return "", "", err
	}
	ae, ok := e.(*filter.AttributeExpression)
	if !ok || ae.Operator != filter.EQ {
		return "", "", &json.UnsupportedValueError{Str: "not one eq comparison: " + f}
	}
	raw, ok := ae.CompareValue.(string) // the quoted string's content, still escaped
	if !ok {
		return "", "", &json.UnsupportedValueError{Str: "not a string comparison: " + f}
	}
	if err := json.Unmarshal([]byte(`"`+raw+`"`), &value); err != nil {
		return "", "", err
	}
	return ae.AttributePath.String(), value, nil
}

// FuzzEqFilter writes the membership filters for any id: the filter
// parses as one eq comparison on its attribute, and its value reads back
// as the id (invalid UTF-8 as U+FFFD, as JSON carries it), so no id can
// end the string early or add a clause.
func FuzzEqFilter(f *testing.F) {
	for _, seed := range []string{"2819c223-7f76-453a-919d-413861904646", "00u1ab2c3d4E5F6g7h8", `a"b\c`, `x" or userName pr or id eq "`,
		"a\x01b", "a\x7fb", "\xff", "é", "a\u2028b", "<&>", "tab\there", "", "\U0010FFFF", "\U000E0001"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		for _, attr := range []string{"members.value", "groups.value"} {
			fl := eqFilter(attr, id)
			gotAttr, got, err := readEqFilter(fl)
			if err != nil || gotAttr != attr || got != strings.ToValidUTF8(id, "\uFFFD") {
				t.Fatalf("eqFilter(%q, %q) = %s, which reads as %s eq %q (%v)", attr, id, fl, gotAttr, got, err)
			}
		}
	})
}

// FuzzCheckID: an id checkID accepts makes user and group paths with one
// segment for it, never "." or "..", that unescapes to the id.
func FuzzCheckID(f *testing.F) {
	for _, seed := range []string{"2819c223", ".", "..", " ", "a/b", "%2e%2e", "?x", "#", "..."} {
		f.Add(seed)
	}
	ss := &session{s: Settings{UsersPath: "/Users", GroupsPath: "/Groups"}}
	f.Fuzz(func(t *testing.T, id string) {
		if checkID(id, "account") != nil {
			return
		}
		for _, p := range []string{ss.userPath(id), ss.groupPath(id)} {
			segs := strings.Split(p, "/")
			last, err := url.PathUnescape(segs[len(segs)-1])
			if len(segs) != 3 || segs[2] == "." || segs[2] == ".." || err != nil || last != id {
				t.Fatalf("id %q makes the path %q", id, p)
			}
		}
	})
}

// TestEqFilter: ids with a control character or DEL are written with JSON
// escapes, an invalid byte as U+FFFD, so SCIM servers parse the filter
// (Go's %q wrote \x01, \x7f and \xff, which they cannot; found by
// FuzzEqFilter). Plain ids are written as before.
func TestEqFilter(t *testing.T) {
	tests := []struct{ id, want string }{
		{"2819c223-7f76-453a-919d-413861904646", `members.value eq "2819c223-7f76-453a-919d-413861904646"`},
		{`a"b\c`, `members.value eq "a\"b\\c"`},
		{"é<&>", `members.value eq "é<&>"`},
		{"a\x01b", `members.value eq "a\u0001b"`},
		{"a\x7fb", `members.value eq "a\u007Fb"`},
		{"\xff", "members.value eq \"\uFFFD\""},
		{"tab\there", `members.value eq "tab\u0009here"`},
		{"esc\x1b", `members.value eq "esc\u001B"`},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			is := is.New(t)
			got := eqFilter("members.value", tt.id)
			is.Equal(got, tt.want)
			attr, value, err := readEqFilter(got)
			is.NoErr(err)
			is.Equal(attr, "members.value")
			is.Equal(value, strings.ToValidUTF8(tt.id, "\uFFFD"))
		})
	}
}
