package toolkit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// panicMessage runs f and returns what it panicked with, or "" if it did not.
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func validDeclaration(appID string) toolkit.Declaration {
	return toolkit.Declaration{AppID: appID, Version: "0.1.0", Auth: toolkit.AuthToken}
}

func TestNewIntegrationRejectsBadDeclarations(t *testing.T) {
	type settingsWithBadDefault struct {
		N int `json:"n" default:"many"`
	}
	tests := []struct {
		name string
		edit func(*toolkit.Declaration)
		want []string // substrings of the panic message
	}{
		{"empty app id", func(d *toolkit.Declaration) { d.AppID = "" }, []string{`connector ""`, "invalid app id"}},
		{"upper case", func(d *toolkit.Declaration) { d.AppID = "GitHub" }, []string{`"GitHub"`, "lower-case"}},
		{"spaces", func(d *toolkit.Declaration) { d.AppID = " github" }, []string{"invalid app id"}},
		{"trailing dash", func(d *toolkit.Declaration) { d.AppID = "git-" }, []string{"invalid app id"}},
		{"too long", func(d *toolkit.Declaration) { d.AppID = strings.Repeat("a", toolkit.MaxAppIDLength+1) }, []string{"invalid app id", "longer than 64"}},
		{"no version", func(d *toolkit.Declaration) { d.Version = "" }, []string{"Version is empty"}},
		{"no auth", func(d *toolkit.Declaration) { d.Auth = "" }, []string{"no credentials declared", "toolkit.AuthToken"}},
		{"unknown auth", func(d *toolkit.Declaration) { d.Auth = "magic" }, []string{`unknown Auth "magic"`}},
		{"auth and credentials", func(d *toolkit.Declaration) {
			d.Credentials = []toolkit.CredentialConfig{{ID: "a", Type: toolkit.AuthBasic}}
		}, []string{"both Auth and Credentials"}},
		{"duplicate credential", func(d *toolkit.Declaration) {
			d.Auth = ""
			d.Credentials = []toolkit.CredentialConfig{{ID: "a", Type: toolkit.AuthBasic}, {ID: "a", Type: toolkit.AuthToken}}
		}, []string{`credential ID "a" is declared twice`}},
		{"unknown category", func(d *toolkit.Declaration) {
			d.Description.Categories = []toolkit.AppCategory{"GAMES"}
		}, []string{`unknown category "GAMES"`}},
		{"entitlement on undeclared resource type", func(d *toolkit.Declaration) {
			d.EntitlementTypes = []toolkit.EntitlementType{{TypeID: "member", TypeLabel: "Member", ResourceTypeID: "team"}}
		}, []string{`undeclared resource type "team"`}},
		{"duplicate resource type", func(d *toolkit.Declaration) {
			d.ResourceTypes = []toolkit.ResourceType{{TypeID: "team"}, {TypeID: "team"}}
		}, []string{`resource type id "team"`}},
		{"settings not a struct", func(d *toolkit.Declaration) { d.Settings = 42 }, []string{"the Settings field must be a value of a named struct type"}},
		{"settings with bad default", func(d *toolkit.Declaration) { d.Settings = settingsWithBadDefault{} }, []string{`default "many"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			d := validDeclaration("demo")
			tt.edit(&d)
			msg := panicMessage(func() { toolkit.NewIntegration(d) })
			is.True(msg != "") // NewIntegration must panic
			for _, w := range tt.want {
				is.True(strings.Contains(msg, w)) // the message explains the problem
			}
		})
	}
}

func listAccountsOK(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	return toolkit.ListAccountsResponse{}, nil
}

func TestHandleRejectsWrongRegistrations(t *testing.T) {
	tests := []struct {
		name     string
		register func(in *toolkit.Integration)
		want     []string
	}{
		{"nil handler", func(in *toolkit.Integration) { toolkit.Handle(in, toolkit.CapListAccounts, nil) },
			[]string{`capability "list_accounts"`, "handler is nil", "func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error)"}},
		{"app_info", func(in *toolkit.Integration) {
			toolkit.Handle(in, toolkit.CapAppInfo, func(context.Context, toolkit.AppInfoRequest) (toolkit.AppInfoResponse, error) {
				return toolkit.AppInfoResponse{}, nil
			})
		}, []string{`capability "app_info"`, "provided by lumos itself"}},
		{"info", func(in *toolkit.Integration) { toolkit.Handle(in, toolkit.CapInfo, nil) },
			[]string{`capability "info"`, "provided by lumos itself"}},
		{"connected_info", func(in *toolkit.Integration) { toolkit.Handle(in, toolkit.CapConnectedInfo, nil) },
			[]string{`capability "connected_info"`, "provided by lumos itself"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			in := toolkit.NewIntegration(validDeclaration("demo"))
			msg := panicMessage(func() { tt.register(in) })
			is.True(strings.Contains(msg, `connector "demo"`)) // names the connector
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Fatalf("panic %q does not contain %q", msg, w)
				}
			}
		})
	}
}

func TestHandleRejectsDuplicates(t *testing.T) {
	is := is.New(t)
	in := toolkit.NewIntegration(validDeclaration("demo"))
	toolkit.Handle(in, toolkit.CapListAccounts, listAccountsOK)
	msg := panicMessage(func() { toolkit.Handle(in, toolkit.CapListAccounts, listAccountsOK) })
	is.True(strings.Contains(msg, `capability "list_accounts": is registered twice`))
}

func TestRegistry(t *testing.T) {
	is := is.New(t)
	msg := panicMessage(func() { toolkit.Register(nil) })
	is.True(strings.Contains(msg, "nil integration"))

	empty := toolkit.NewIntegration(validDeclaration("registry-empty"))
	msg = panicMessage(func() { toolkit.Register(empty) })
	is.True(strings.Contains(msg, `connector "registry-empty": no capability registered`))

	registryRuns++ // the registry is process-wide: each run of the test (-count) uses fresh ids
	prefix := fmt.Sprintf("registry%d-", registryRuns)
	for _, id := range []string{"zeta", "alpha", "mid"} {
		in := toolkit.NewIntegration(validDeclaration(prefix + id))
		toolkit.Handle(in, toolkit.CapListAccounts, listAccountsOK)
		toolkit.Register(in)
	}
	again := toolkit.NewIntegration(validDeclaration(prefix + "alpha"))
	toolkit.Handle(again, toolkit.CapListAccounts, listAccountsOK)
	msg = panicMessage(func() { toolkit.Register(again) })
	is.True(strings.Contains(msg, `connector "`+prefix+`alpha" is registered twice`))

	got, ok := toolkit.Lookup(prefix + "mid")
	is.True(ok)
	is.Equal(got.AppID(), prefix+"mid")
	_, ok = toolkit.Lookup(prefix + "none")
	is.True(!ok)

	var ids []string
	for _, in := range toolkit.Integrations() {
		if strings.HasPrefix(in.AppID(), prefix) {
			ids = append(ids, in.AppID())
		}
	}
	is.Equal(ids, []string{prefix + "alpha", prefix + "mid", prefix + "zeta"}) // sorted, the duplicate not added
}

var registryRuns int

func TestCapabilityNames(t *testing.T) {
	is := is.New(t)
	names := toolkit.StandardCapabilityNames()
	is.Equal(len(names), 43)
	is.Equal(names[0], toolkit.CapAppInfo.Name())
	is.Equal(names[len(names)-1], toolkit.CapValidateCredentialConfig.Name())
	is.Equal(toolkit.CapGetAccountEntitlementAssociations.Name().DisplayName(), "Get Account Entitlement Associations")
	is.True(toolkit.CapListAccounts.Name().IsStandard())
	is.True(!toolkit.CapabilityName("list_everything").IsStandard())
}
