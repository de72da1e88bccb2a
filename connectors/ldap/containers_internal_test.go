package ldap

import (
	"testing"

	"github.com/matryer/is"
)

// TestParentDN checks how a group's container is named from the group's
// DN: the first RDN dropped, escaped commas and plus signs kept inside it.
func TestParentDN(t *testing.T) {
	cases := []struct{ dn, parent, canon string }{
		{"cn=devs,ou=eng,dc=x", "ou=eng,dc=x", "ou=eng,dc=x"},
		{`cn=a\,b,OU=Eng Team,DC=x`, "OU=Eng Team,DC=x", "ou=eng team,dc=x"},
		{`cn=a\\,ou=b\,c,dc=x`, `ou=b\,c,dc=x`, "ou=b,c,dc=x"},
		{"cn=a+uid=b, ou=eng , dc=x", "ou=eng , dc=x", "ou=eng,dc=x"},
		{"dc=x", "", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		t.Run(c.dn, func(t *testing.T) {
			is := is.New(t)
			is.Equal(parentDN(c.dn), c.parent)
			is.Equal(canonDN(parentDN(c.dn)), c.canon)
		})
	}
}

// TestSameID compares resource ids as the server does: entryUUIDs and
// GUIDs in any case, GUIDs with braces; "" only equals "".
func TestSameID(t *testing.T) {
	uuid := &config{Settings: Settings{IDAttribute: "entryUUID"}}
	guid := &config{Settings: Settings{IDAttribute: "objectGUID"}}
	cases := []struct {
		name string
		c    *config
		a, b string
		want bool
	}{
		{"uuid case", uuid, "3f6e0b0a-0000-1000-8000-00000000000a", "3F6E0B0A-0000-1000-8000-00000000000A", true},
		{"uuid other", uuid, "3f6e0b0a-0000-1000-8000-00000000000a", "3f6e0b0a-0000-1000-8000-00000000000b", false},
		{"empty", uuid, "", "", true},
		{"empty and id", uuid, "", "3f6e0b0a-0000-1000-8000-00000000000a", false},
		{"guid braces", guid, "c1e3b6a2-5d3c-4b71-9a8e-0f1d2c3b4a59", "{C1E3B6A2-5D3C-4B71-9A8E-0F1D2C3B4A59}", true},
		{"guid not a guid", guid, "c1e3b6a2-5d3c-4b71-9a8e-0f1d2c3b4a59", "users", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is.New(t).Equal(c.c.sameID(c.a, c.b), c.want)
		})
	}
}
