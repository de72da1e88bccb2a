package ldap_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/lumosgo/lumos/connectors/ldap"
	"github.com/matryer/is"
)

// TestMustChangeSchema: info shows must_change_password on create_account
// and update_account as one optional boolean (null allowed) whose
// description says what absent, true and false do.
func TestMustChangeSchema(t *testing.T) {
	out, err := ldap.Integration().InfoDocument()
	is.New(t).NoErr(err)
	var info struct {
		Response struct {
			Schemas map[string]struct {
				Argument struct {
					Properties map[string]struct {
						Type        any    `json:"type"` // a string, or a list with "null"
						Description string `json:"description"`
					} `json:"properties"`
					Required []string `json:"required"`
				} `json:"argument"`
			} `json:"capability_schema"`
		} `json:"response"`
	}
	is.New(t).NoErr(json.Unmarshal(out, &info))
	for _, capName := range []string{"create_account", "update_account"} {
		t.Run(capName, func(t *testing.T) {
			is := is.New(t)
			arg := info.Response.Schemas[capName].Argument
			p, ok := arg.Properties["must_change_password"]
			is.True(ok)                                                     // in the payload
			is.Equal(p.Type, []any{"null", "boolean"})                      // a boolean or null,
			is.True(!slices.Contains(arg.Required, "must_change_password")) // optional
			for _, says := range []string{"Absent or null: that state is left as it is", "true: set it", "false: on update_account, clear it",
				"pwdLastSet 0 for true, -1 for false", "pwdReset, replaced with TRUE for true or deleted for false"} {
				is.True(strings.Contains(p.Description, says)) // the description says what each value does
			}
		})
	}
}
