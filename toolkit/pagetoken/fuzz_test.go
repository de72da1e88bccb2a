package pagetoken_test

import (
	"testing"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// FuzzDecode feeds arbitrary tokens to Decode: it never panics, rejects with
// invalid_page_token, and whatever it accepts re-encodes to an equal state.
func FuzzDecode(f *testing.F) {
	good, _ := pagetoken.Encode("demo/list_accounts", state{"members", 200})
	for _, seed := range []string{good, "", "AQ", "not a token", good[:len(good)-1], good + "A"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		var s state
		err := pagetoken.Decode("demo/list_accounts", token, &s)
		if err != nil {
			if code, ok := errs.CodeOf(err); !ok || code != errs.InvalidPageToken {
				t.Fatalf("rejection with the wrong code: %v", err)
			}
			return
		}
		again, err := pagetoken.Encode("demo/list_accounts", s)
		if err != nil {
			t.Fatal(err)
		}
		var s2 state
		if err := pagetoken.Decode("demo/list_accounts", again, &s2); err != nil || s2 != s {
			t.Fatalf("accepted %q as %+v but its re-encoding gives %+v, %v", token, s, s2, err)
		}
	})
}
