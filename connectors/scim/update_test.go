package scim_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/scim/scimfake"
	"github.com/lumosgo/lumos/connectors/scim/scimsuite"
	"github.com/lumosgo/lumos/toolkit"
)

// TestUpdateAccount checks what update_account sends: one PATCH of replace
// ops in the dialect's casing, sub-attribute paths for the name, every
// email kept with the primary one changed, nothing at all for a noop, and
// the account as it is after the call in the answer.
func TestUpdateAccount(t *testing.T) {
	cases := []struct {
		name     string
		settings map[string]any
		update   map[string]any
		effect   toolkit.EffectKind
		wantOps  string // the PATCH's Operations, "" when none is sent
		code     toolkit.ErrorCode
	}{
		{"given_name", nil, map[string]any{"given_name": "Augusta"}, toolkit.EffectUpdated,
			`[{"op":"replace","path":"name.givenName","value":"Augusta"}]`, ""},
		{"capitalized", map[string]any{"patch_op_case": "capitalized"}, map[string]any{"family_name": "King", "active": false}, toolkit.EffectUpdated,
			`[{"op":"Replace","path":"name.familyName","value":"King"},{"op":"Replace","path":"active","value":false}]`, ""},
		{"primary_email", nil, map[string]any{"email": "ada@new.example"}, toolkit.EffectUpdated,
			`[{"op":"replace","path":"emails","value":[{"value":"home@example.com","type":"home"},{"value":"ada@new.example","type":"work","primary":true}]}]`, ""},
		{"same_values", nil, map[string]any{"given_name": "Ada", "username": "ada", "email": "work@example.com", "active": true}, toolkit.EffectNoop, "", ""},
		{"display_name", nil, map[string]any{"display_name": "Countess"}, toolkit.EffectUpdated,
			`[{"op":"replace","path":"displayName","value":"Countess"}]`, ""},
		{"empty_username", nil, map[string]any{"username": " "}, "", "", "bad_request"},
		{"taken_username", nil, map[string]any{"username": "BOB"}, "", "-", "bad_request"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			f, tg := newTarget(t, scimfake.Options{}, c.settings)
			id := f.AddUser(map[string]any{"userName": "ada", "active": true, "name": map[string]any{"givenName": "Ada", "familyName": "Lovelace"},
				"emails": []any{map[string]any{"value": "home@example.com", "type": "home"}, map[string]any{"value": "work@example.com", "type": "work", "primary": true}}})
			f.AddUser(map[string]any{"userName": "bob"})
			f.Requests(true)
			c.update["id"] = id
			env := tg.Call(t, "update_account", c.update, nil)
			var ops []string
			for _, r := range f.Requests(true) {
				if r.Method == http.MethodPatch {
					var body struct{ Operations json.RawMessage }
					is.NoErr(json.Unmarshal([]byte(r.Body), &body))
					ops = append(ops, string(body.Operations))
				}
			}
			if c.code != "" {
				is.True(env.IsError)
				is.Equal(env.Error.ErrorCode, c.code)
				is.Equal(f.User(id)["userName"], "ada") // unchanged
				return
			}
			is.True(!env.IsError)
			is.Equal(scimsuite.Effect(t, env), c.effect)
			if c.wantOps == "" {
				is.Equal(len(ops), 0) // a noop sends nothing
			} else {
				is.Equal(ops, []string{c.wantOps})
			}
			var got, after map[string]any
			is.NoErr(json.Unmarshal(env.Response, &got))
			is.NoErr(json.Unmarshal(tg.OK(t, "get_account", map[string]any{"account_id": id}, nil).Response, &after))
			is.Equal(got["username"], after["username"])
			is.Equal(got["email"], after["email"])
			is.Equal(got["given_name"], after["given_name"])
			is.Equal(got["family_name"], after["family_name"])
			is.Equal(got["active"] == false, after["user_status"] == "SUSPENDED")
		})
	}
}
