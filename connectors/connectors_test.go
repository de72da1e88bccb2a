package connectors_test

import (
	"testing"

	_ "github.com/lumosgo/lumos/connectors"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/matryer/is"
)

// TestEveryConnectorBuilds builds every registered connector: connectors
// register lazily, so a broken declaration or capability shows here (the
// panic names the connector) rather than when a user first runs it.
func TestEveryConnectorBuilds(t *testing.T) {
	is := is.New(t)
	ids := toolkit.AppIDs()
	is.True(len(ids) >= 4) // mock, mock-oauth, github, scim at least
	for _, id := range ids {
		in, ok := toolkit.Lookup(id)
		is.True(ok)
		is.Equal(in.AppID(), id)
		_, err := in.Info()
		is.NoErr(err) // info is derived without error
	}
}
