package toolkit_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/matryer/is"
)

var lazyRuns int

// TestRegisterLazyBuildsOnFirstUse: a lazily registered connector is listed
// by AppIDs and Registered without being built, built once by Lookup, and
// built by Integrations.
func TestRegisterLazyBuildsOnFirstUse(t *testing.T) {
	is := is.New(t)
	lazyRuns++ // the registry is process-wide: fresh ids for each run (-count)
	id := fmt.Sprintf("lazy%d-demo", lazyRuns)
	builds := 0
	toolkit.RegisterLazy(id, func() *toolkit.Integration {
		builds++
		in := toolkit.NewIntegration(validDeclaration(id))
		toolkit.Handle(in, toolkit.CapListAccounts, listAccountsOK)
		return in
	})
	is.Equal(builds, 0)
	is.True(toolkit.Registered(id))
	is.True(slices.Contains(toolkit.AppIDs(), id))
	is.Equal(builds, 0) // listing the ids builds nothing

	in, ok := toolkit.Lookup(id)
	is.True(ok)
	is.Equal(in.AppID(), id)
	again, _ := toolkit.Lookup(id)
	is.True(again == in)
	is.Equal(builds, 1)

	found := false
	for _, in := range toolkit.Integrations() {
		found = found || in.AppID() == id
	}
	is.True(found)
	is.Equal(builds, 1)
	is.True(!toolkit.Registered(id + "-none"))
}

// TestRegisterLazyRejects: what can be checked without building panics at
// registration; a broken build panics, naming the connector, on first use
// and on every later use.
func TestRegisterLazyRejects(t *testing.T) {
	lazyRuns++
	prefix := fmt.Sprintf("lazy%d-", lazyRuns)
	good := func(id string) func() *toolkit.Integration {
		return func() *toolkit.Integration {
			in := toolkit.NewIntegration(validDeclaration(id))
			toolkit.Handle(in, toolkit.CapListAccounts, listAccountsOK)
			return in
		}
	}
	toolkit.RegisterLazy(prefix+"taken", good(prefix+"taken"))

	atRegistration := []struct {
		name  string
		id    string
		build func() *toolkit.Integration
		want  string
	}{
		{"bad app id", "Bad App", good("x"), "RegisterLazy"},
		{"nil build", prefix + "nil", nil, `connector "` + prefix + `nil": RegisterLazy called with a nil build function`},
		{"duplicate", prefix + "taken", good(prefix + "taken"), `connector "` + prefix + `taken" is registered twice`},
	}
	for _, tt := range atRegistration {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			msg := panicMessage(func() { toolkit.RegisterLazy(tt.id, tt.build) })
			is.True(strings.Contains(msg, tt.want)) // the panic names the problem
		})
	}

	atFirstUse := []struct {
		name  string
		id    string
		build func() *toolkit.Integration
		want  string
	}{
		{"nil integration", prefix + "returns-nil", func() *toolkit.Integration { return nil }, "build function returned nil"},
		{"other app id", prefix + "other", good(prefix + "elsewhere"), `returned the integration "` + prefix + `elsewhere"`},
		{"no capability", prefix + "empty", func() *toolkit.Integration { return toolkit.NewIntegration(validDeclaration(prefix + "empty")) }, "no capability registered"},
		{"bad declaration", prefix + "bad", func() *toolkit.Integration {
			return toolkit.NewIntegration(toolkit.Declaration{AppID: prefix + "bad", Auth: toolkit.AuthToken})
		}, "Version is empty"},
	}
	for _, tt := range atFirstUse {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			is.Equal(panicMessage(func() { toolkit.RegisterLazy(tt.id, tt.build) }), "") // accepted unbuilt
			t.Cleanup(func() { toolkit.Unregister(tt.id) })                              // later tests build every connector
			for range 2 {
				msg := panicMessage(func() { toolkit.Lookup(tt.id) })
				is.True(strings.Contains(msg, `connector "`+tt.id+`"`)) // names the connector
				is.True(strings.Contains(msg, tt.want))                 // and the problem
			}
		})
	}
}
