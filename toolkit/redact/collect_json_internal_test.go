package redact

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/matryer/is"
)

// collected lists the values s holds, sorted.
func collected(s *Secrets) []string {
	var out []string
	if set := s.load(); set != nil {
		for _, v := range set.all {
			out = append(out, v.value)
		}
	}
	slices.Sort(out)
	return out
}

// viaDecode is what Collect finds in doc's decoded value, without the
// top-level members in skip.
func viaDecode(t testing.TB, doc []byte, keys Keys, skip ...string) []string {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("test document is not JSON: %v", err)
	}
	if obj, ok := v.(map[string]any); ok {
		for _, k := range skip {
			delete(obj, k)
		}
	}
	var s Secrets
	Collect(v, keys, &s)
	return collected(&s)
}

// TestCollectJSONAsCollect: scanning a document finds what Collect finds
// in its decoded value.
func TestCollectJSONAsCollect(t *testing.T) {
	keys := NewKeys("api_key")
	docs := []string{
		`{}`,
		`{"auth":{"basic":{"username":"u","password":"p4ss"}},"settings":{"host":"h","api_key":"k3y"}}`,
		`{"credentials":[{"id":"token","token":{"token":"t0k"}},{"id":"basic","basic":{"password":"pw\"\\x"}}]}`,
		`{"auth":"bare-cred","request":{"nested":[{"client_secret":["a","b",{"x":"c"}]}]}}`,
		`{"page":{"token":"cursor","size":5},"request":{"password":null,"token":12,"secret":true}}`,
		`{"request":{"Password":"CaseKey","refresh_token":"r\u00e9"}}`,
		` [ {"password" : "in-array"} , "plain" ] `,
		`"just a string"`,
	}
	for _, doc := range docs {
		t.Run(doc, func(t *testing.T) {
			is := is.New(t)
			var s Secrets
			CollectJSON([]byte(doc), keys, &s, "page")
			is.Equal(collected(&s), viaDecode(t, []byte(doc), keys, "page"))
		})
	}
}

// TestCollectJSONRepeatedKeys: every value of a repeated key is a secret
// (a decoded map keeps only the last one).
func TestCollectJSONRepeatedKeys(t *testing.T) {
	is := is.New(t)
	var s Secrets
	CollectJSON([]byte(`{"password":"first","password":"second"}`), NewKeys(), &s)
	is.Equal(collected(&s), []string{"first", "second"})
}

// FuzzCollectJSON: on any JSON document without repeated keys, the scan
// finds what Collect finds; on anything else it does not panic.
func FuzzCollectJSON(f *testing.F) {
	f.Add([]byte(`{"auth":{"token":{"token":"t"}},"page":{"token":"p"}}`))
	f.Add([]byte(`[{"password":"x"},"y",{"secret":{"a":["b"]}}]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var s Secrets
		CollectJSON(doc, NewKeys(), &s, "page")
		var v any
		if json.Unmarshal(doc, &v) != nil || hasRepeatedKeys(doc) {
			return
		}
		if got, want := collected(&s), viaDecode(t, doc, NewKeys(), "page"); !slices.Equal(got, want) {
			t.Fatalf("CollectJSON(%q) = %q; Collect finds %q", doc, got, want)
		}
	})
}

// hasRepeatedKeys reports whether some object of doc names a key twice.
func hasRepeatedKeys(doc []byte) bool {
	dec := json.NewDecoder(bytesReader(doc))
	type frame struct {
		keys   map[string]bool
		object bool
		expect bool // the next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch x := tok.(type) {
		case json.Delim:
			switch x {
			case '{', '[':
				if top != nil && top.object {
					top.expect = true
				}
				stack = append(stack, &frame{keys: map[string]bool{}, object: x == '{', expect: x == '{'})
				continue
			case '}', ']':
				stack = stack[:len(stack)-1]
				continue
			}
		case string:
			if top != nil && top.object && top.expect {
				if top.keys[x] {
					return true
				}
				top.keys[x] = true
				top.expect = false
				continue
			}
		}
		if top != nil && top.object {
			top.expect = true
		}
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
