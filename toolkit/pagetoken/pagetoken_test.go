package pagetoken_test

import (
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

type state struct {
	Phase  string `json:"phase"`
	Offset int    `json:"offset"`
}

func TestRoundTrip(t *testing.T) {
	is := is.New(t)
	tok, err := pagetoken.Encode("demo/list_accounts", state{"members", 200})
	is.NoErr(err)
	is.True(!strings.ContainsAny(tok, "+/=")) // URL-safe, unpadded
	var got state
	is.NoErr(pagetoken.Decode("demo/list_accounts", tok, &got))
	is.Equal(got, state{"members", 200})
}

func TestDecodeRejects(t *testing.T) {
	good, err := pagetoken.Encode("demo/list_accounts", state{"members", 200})
	if err != nil {
		t.Fatal(err)
	}
	flipped := []byte(good)
	flipped[len(flipped)/2] ^= 1
	if flipped[len(flipped)/2] == '-' || flipped[len(flipped)/2] == '_' {
		flipped[len(flipped)/2] = 'A'
	}
	other, _ := pagetoken.Encode("demo/list_resources", state{"members", 200})
	otherApp, _ := pagetoken.Encode("other/list_accounts", state{"members", 200})
	wrongShape, _ := pagetoken.Encode("demo/list_accounts", map[string]any{"unexpected": 1})
	tests := []struct {
		name, token, why string
	}{
		{"garbage", "not a token!", "not a token this connector issued"},
		{"bit flipped", string(flipped), ""},
		{"truncated", good[:len(good)-3], ""},
		{"other capability", other, "altered, or issued for another connector, capability or settings"},
		{"other connector", otherApp, "altered, or issued for another connector, capability or settings"},
		{"unknown fields", wrongShape, "does not match this capability"},
		{"too long", strings.Repeat("A", pagetoken.MaxTokenBytes+1), "limit is 4096"},
		{"empty payload", "AQ", "not a token this connector issued"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			var s state
			err := pagetoken.Decode("demo/list_accounts", tt.token, &s)
			code, ok := errs.CodeOf(err)
			is.True(ok)
			is.Equal(code, errs.InvalidPageToken)
			is.True(strings.Contains(err.Error(), tt.why))
		})
	}
}

func TestEncodeRejectsOversizedState(t *testing.T) {
	is := is.New(t)
	_, err := pagetoken.Encode("s", map[string]string{"x": strings.Repeat("y", pagetoken.MaxTokenBytes)})
	is.True(err != nil)
}
