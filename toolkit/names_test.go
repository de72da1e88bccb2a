package toolkit_test

import (
	"reflect"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// The OAuth models' Go names spell URL and OAuth as Go does, yet their
// schemas keep upstream's model names.
func TestOAuthModelsKeepWireNames(t *testing.T) {
	for _, tc := range []struct {
		typ  reflect.Type
		want string
	}{
		{reflect.TypeFor[toolkit.GetAuthorizationURL](), "GetAuthorizationUrl"},
		{reflect.TypeFor[toolkit.AuthorizationURL](), "AuthorizationUrl"},
		{reflect.TypeFor[toolkit.OAuthCredentials](), "OauthCredentials"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			is := is.New(t)
			is.Equal(toolkit.DefinitionName(tc.typ), tc.want)
			s, err := toolkit.SchemaOf(tc.typ)
			is.NoErr(err)
			is.Equal(s["title"], tc.want)
		})
	}
}
