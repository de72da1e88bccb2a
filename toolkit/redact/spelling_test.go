package redact_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/redact"
)

func secrets(keys redact.Keys, values ...string) *redact.Secrets {
	s := &redact.Secrets{}
	if keys != nil {
		s.SetKeys(keys)
	}
	for _, v := range values {
		s.Add(v)
	}
	return s
}

// A secret is found in every JSON spelling of it, and only the spelt
// secret is replaced: the rest of the value keeps its bytes.
func TestJSONMasksEverySpelling(t *testing.T) {
	const tok = "ghs_a/b+c=Tok3n"
	tests := []struct {
		name, secret, doc, want string
	}{
		{"literal", tok, `{"m":"ghs_a/b+c=Tok3n"}`, `{"m":"REDACTED"}`},
		{"escaped slash", tok, `{"m":"ghs_a\/b+c=Tok3n"}`, `{"m":"REDACTED"}`},
		{"every character, lower hex", tok,
			`{"m":"\u0067\u0068\u0073\u005f\u0061\u002f\u0062\u002b\u0063\u003d\u0054\u006f\u006b\u0033\u006e"}`, `{"m":"REDACTED"}`},
		{"every character, upper hex", tok,
			`{"m":"\u0067\u0068\u0073\u005F\u0061\u002F\u0062\u002B\u0063\u003D\u0054\u006F\u006B\u0033\u006E"}`, `{"m":"REDACTED"}`},
		{"mixed", tok, `{"m":"Bearer gh\u0073_a\/b\u002Bc=T\u006fk3n, try again"}`, `{"m":"Bearer REDACTED, try again"}`},
		{"JSON quoted in JSON", tok, `{"m":"{\"t\":\"ghs_a\\/b\\u002bc=Tok3n\"}"}`, `{"m":"{\"t\":\"REDACTED\"}"}`},
		{"quoted twice", tok, `{"m":"ghs_a\\\\\/b\\\\u002Bc=Tok3n"}`, `{"m":"REDACTED"}`},
		{"in an array", tok, `{"a":[1,"x ghs_a\/b+c=Tok3n",true]}`, `{"a":[1,"x REDACTED",true]}`},
		{"other escapes kept", tok, `{"m":"caf\u00e9 \"ghs_a/b+c=Tok3n\" \n"}`, `{"m":"caf\u00e9 \"REDACTED\" \n"}`},
		{"non-ASCII", "pässwörd-42", `{"m":"p\u00e4ssw\u00F6rd-42","n":"pässwörd-42"}`, `{"m":"REDACTED","n":"REDACTED"}`},
		{"beyond U+FFFF, surrogate pair", "key-😀-123", `{"m":"key-\ud83d\ude00-123","n":"key-\uD83D\uDE00-123"}`, `{"m":"REDACTED","n":"REDACTED"}`},
		{"quote and newline in the secret", "sec\"ret\n42", `{"m":"sec\"ret\n42","n":"sec\u0022ret\u000a42"}`, `{"m":"REDACTED","n":"REDACTED"}`},
		{"backslash in the secret", `dom\user-42`, `{"m":"dom\\user-42","n":"dom\u005cuser-42"}`, `{"m":"REDACTED","n":"REDACTED"}`},
		{"a near miss stays", tok, `{"m":"ghs_a\/b+c=Tok3N"}`, `{"m":"ghs_a\/b+c=Tok3N"}`},
		{"keys are never rewritten", tok, `{"ghs_a\/b+c=Tok3n":"ghs_a\/b+c=Tok3n"}`, `{"ghs_a\/b+c=Tok3n":"REDACTED"}`},
		{"numbers and literals stay", "12,34,56", `{"a":[12,34,56],"b":"x12,34,56y"}`, `{"a":[12,34,56],"b":"xREDACTEDy"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			out := secrets(nil, tt.secret).JSON([]byte(tt.doc))
			is.Equal(string(out), tt.want)
			is.True(json.Valid(out))
		})
	}
}

// Secrets that equal ordinary text, and short ones, never rewrite keys or
// enum values: they are masked by key, or as words inside longer text.
func TestJSONRulesForWordsAndShortSecrets(t *testing.T) {
	s := secrets(redact.NewKeys(), "ACTIVE", "status", "Password", "bar", "hunter2-xyz", "PassWord", "tok-abcdef")
	tests := []struct {
		name, doc, want string
	}{
		{"a word as a whole value stays", `{"status":"ACTIVE","x":"status","y":"Password"}`, `{"status":"ACTIVE","x":"status","y":"Password"}`},
		{"a word inside longer text", `{"m":"user is ACTIVE now","n":"bad status: x"}`, `{"m":"user is REDACTED now","n":"bad REDACTED: x"}`},
		{"a word spelt with escapes", `{"m":"user is \u0041CTIVE now","n":"\u0041CTIVE"}`, `{"m":"user is REDACTED now","n":"\u0041CTIVE"}`},
		{"part of a longer word stays", `{"m":"ACTIVE_USER","n":"INACTIVE","o":"pre-ACTIVE"}`, `{"m":"ACTIVE_USER","n":"INACTIVE","o":"pre-ACTIVE"}`},
		{"a word under a secret key", `{"password":"ACTIVE","auth":{"token":["status","my status"]}}`, `{"password":"REDACTED","auth":{"token":["REDACTED","my REDACTED"]}}`},
		{"a short secret as a whole value under a secret key", `{"password":"bar","credentials":[{"basic":{"password":"bar"}}]}`, `{"password":"REDACTED","credentials":[{"basic":{"password":"REDACTED"}}]}`},
		{"a short secret elsewhere stays", `{"x":"bar","y":"barbara","password":"xbar","token":"b\u0061r"}`, `{"x":"bar","y":"barbara","password":"xbar","token":"REDACTED"}`},
		{"mixed case is no word", `{"x":"PassWord"}`, `{"x":"REDACTED"}`},
		{"a hyphen or a digit makes no word", `{"x":"tok-abcdef","y":"hunter2-xyz"}`, `{"x":"REDACTED","y":"REDACTED"}`},
		{"a strong secret anywhere", `{"status":"hunter2-xyz","m":"xhunter2-xyzx"}`, `{"status":"REDACTED","m":"xREDACTEDx"}`},
		{"keys stay", `{"status":{"ACTIVE":"bar","bar":"ok"}}`, `{"status":{"ACTIVE":"bar","bar":"ok"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			out := s.JSON([]byte(tt.doc))
			is.Equal(string(out), tt.want)
			is.True(json.Valid(out))
		})
	}
}

// Text (log records, command-line messages) is masked with the same
// spellings; a word only inside longer text; a short secret never.
func TestStringMasksEverySpelling(t *testing.T) {
	s := secrets(redact.NewKeys(), "ghs_a/b+c=Tok3n", "ACTIVE", "bar")
	tests := []struct{ text, want string }{
		{`token ghs_a/b+c=Tok3n rejected`, `token REDACTED rejected`},
		{`[401] {"message":"bad ghs_a\/b\u002Bc=Tok3n"}`, `[401] {"message":"bad REDACTED"}`},
		{`{\"t\":\"\\u0067hs_a\\/b+c=Tok3n\"}`, `{\"t\":\"REDACTED\"}`},
		{`user is ACTIVE`, `user is REDACTED`},
		{`ACTIVE`, `ACTIVE`},
		{`ACTIVE_USER`, `ACTIVE_USER`},
		{`password bar`, `password bar`},
		{`C:\path\n`, `C:\path\n`},
		{`trailing \`, `trailing \`},
		{`\u12`, `\u12`},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			is := is.New(t)
			is.Equal(s.String(tt.text), tt.want)
		})
	}
}

// JSONExcept leaves one top-level member alone and masks the rest.
func TestJSONExcept(t *testing.T) {
	tests := []struct {
		name, member, doc, want string
	}{
		{"the member stays, the rest is masked", "response",
			`{"response":{"access_token":"ghs_secret42"},"raw_data":{"client_secret":"ghs_secret42","response":"ghs_secret42"}}`,
			`{"response":{"access_token":"ghs_secret42"},"raw_data":{"client_secret":"REDACTED","response":"REDACTED"}}`},
		{"a string member", "response", `{"response":"ghs_secret42","page":"ghs_secret42"}`, `{"response":"ghs_secret42","page":"REDACTED"}`},
		{"no member: all masked", "", `{"response":"ghs_secret42"}`, `{"response":"REDACTED"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			is.Equal(string(secrets(redact.NewKeys(), "ghs_secret42").JSONExcept([]byte(tt.doc), tt.member)), tt.want)
		})
	}
}

// Secrets added while others mask are masked from then on; a clone keeps
// what was recorded when it was made.
func TestAddWhileMasking(t *testing.T) {
	is := is.New(t)
	s := secrets(nil, "request-secret-1")
	before := s.Clone()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s.Add("minted-" + strings.Repeat("x", i+6))
			_ = s.String("minted-xxxxxxx request-secret-1")
			_ = s.JSON([]byte(`{"a":"minted-xxxxxx"}`))
		})
	}
	wg.Wait()
	is.Equal(s.String("minted-xxxxxx and request-secret-1"), "REDACTED and REDACTED")
	is.Equal(before.String("minted-xxxxxx and request-secret-1"), "minted-xxxxxx and REDACTED")
	var nilSecrets *redact.Secrets
	is.True(nilSecrets.Empty())
	is.Equal(nilSecrets.String("x"), "x")
}

// Masking never breaks a document: whatever JSON goes in, valid JSON comes
// out, and no string value of it still holds a strong secret.
func FuzzJSON(f *testing.F) {
	for _, seed := range []string{`{"a":"s3cr3t-tok"}`, `["s3\u0063r3t-tok",{"k":"\\s3cr3t-tok"}]`, `"s3cr3t\/tok"`, `{"x":"\ud83d\ude00s3cr3t-tok\\"}`} {
		f.Add(seed)
	}
	s := secrets(redact.NewKeys(), "s3cr3t-tok", "s3cr3t/tok", "bar")
	f.Fuzz(func(t *testing.T, doc string) {
		if !json.Valid([]byte(doc)) {
			return
		}
		out := s.JSON([]byte(doc))
		if !json.Valid(out) {
			t.Fatalf("masking %s gave invalid JSON %s", doc, out)
		}
		dec := json.NewDecoder(strings.NewReader(string(out)))
		dec.UseNumber() // numbers beyond float64 are valid JSON
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if leaked := findString(v, "s3cr3t-tok"); leaked != "" {
			t.Fatalf("masking %s left %q", doc, leaked)
		}
	})
}

// findString returns a string value (not key) of v containing needle.
func findString(v any, needle string) string {
	switch x := v.(type) {
	case string:
		if strings.Contains(x, needle) {
			return x
		}
	case map[string]any:
		for _, item := range x {
			if s := findString(item, needle); s != "" {
				return s
			}
		}
	case []any:
		for _, item := range x {
			if s := findString(item, needle); s != "" {
				return s
			}
		}
	}
	return ""
}
