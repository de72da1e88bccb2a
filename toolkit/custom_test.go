package toolkit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

type syncGroups struct {
	GroupIDs []string `json:"group_ids" required:"true" description:"Groups to sync."`
	DryRun   *bool    `json:"dry_run" description:"Only report what would change."`
}

type syncResult struct {
	Synced int `json:"synced" required:"true" description:"How many groups were synced."`
}

func syncGroupsHandler(_ context.Context, req toolkit.CustomRequest[syncGroups]) (toolkit.CustomResponse[syncResult], error) {
	return toolkit.CustomResponse[syncResult]{Response: syncResult{Synced: len(req.Request.GroupIDs)}}, nil
}

func customDemo() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "custom-demo", Version: "1", Auth: toolkit.AuthToken})
	toolkit.Handle(in, toolkit.CapListAccounts, listAccountsOK)
	toolkit.HandleCustom(in, "sync_groups", syncGroupsHandler, toolkit.WithDescription("Sync the given groups now."))
	return in
}

func TestCustomCapabilityDispatch(t *testing.T) {
	in := customDemo()
	tests := []struct {
		name, body, want string
	}{
		{"ok", `{"auth":{"token":{"token":"t"}},"settings":null,"request":{"group_ids":["a","b"]}}`,
			`{"page":null,"raw_data":null,"response":{"synced":2}}`},
		{"settings key required", `{"auth":{"token":{"token":"t"}},"request":{"group_ids":[]}}`,
			"Invalid request - settings: field required"},
		{"payload checked", `{"auth":{"token":{"token":"t"}},"settings":{},"request":{}}`,
			"Invalid request - request.group_ids: field required"},
		{"auth checked", `{"settings":{},"request":{"group_ids":[]}}`,
			"Missing auth/credentials in request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			doc := in.Dispatch(context.Background(), "sync_groups", []byte(tt.body))
			if strings.HasPrefix(tt.want, "{") {
				is.Equal(string(doc), tt.want)
				return
			}
			is.Equal(errorOf(t, doc).Message, tt.want)
		})
	}
}

func TestCustomCapabilityInInfo(t *testing.T) {
	is := is.New(t)
	in := customDemo()
	is.Equal(in.Capabilities(), []toolkit.CapabilityName{"app_info", "list_accounts", "sync_groups"})
	info, err := in.Info()
	is.NoErr(err)
	cs := info.CapabilitySchema["sync_groups"]
	is.Equal(cs.DisplayName, "Sync Groups")
	is.Equal(cs.Argument["title"], "syncGroups")
	is.Equal(cs.Argument["x-capability-level"], "write")
	is.Equal(cs.Output["title"], "syncResult")
	compileSchema(t, "sync_groups-argument", cs.Argument)
	is.Equal(in.Summary("sync_groups"), "Sync the given groups now.")
	var custom []toolkit.CapabilityName
	for _, ci := range in.CapabilityInfos() {
		if ci.Custom {
			custom = append(custom, ci.Name)
		}
	}
	is.Equal(custom, []toolkit.CapabilityName{"sync_groups"})
}

func TestHandleCustomRejects(t *testing.T) {
	nonStruct := func(context.Context, toolkit.CustomRequest[string]) (toolkit.CustomResponse[int], error) {
		return toolkit.CustomResponse[int]{}, nil
	}
	tests := []struct {
		name     string
		register func(in *toolkit.Integration)
		want     string
	}{
		{"standard name", func(in *toolkit.Integration) { toolkit.HandleCustom(in, "list_accounts", syncGroupsHandler) },
			"is a standard capability name and cannot be a custom one"},
		{"upper case", func(in *toolkit.Integration) { toolkit.HandleCustom(in, "SyncGroups", syncGroupsHandler) },
			"lower-case letters in words joined by '_'"},
		{"digits", func(in *toolkit.Integration) { toolkit.HandleCustom(in, "sync2", syncGroupsHandler) }, "lower-case letters"},
		{"hyphen", func(in *toolkit.Integration) { toolkit.HandleCustom(in, "sync-groups", syncGroupsHandler) }, "lower-case letters"},
		{"double underscore", func(in *toolkit.Integration) { toolkit.HandleCustom(in, "sync__groups", syncGroupsHandler) }, "lower-case letters"},
		{"nil", func(in *toolkit.Integration) {
			toolkit.HandleCustom[syncGroups, syncResult](in, "sync_groups", nil)
		}, "handler is nil"},
		{"non-struct payload", func(in *toolkit.Integration) { toolkit.HandleCustom(in, "sync_groups", nonStruct) },
			"payload type string must be a struct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := toolkit.NewIntegration(toolkit.Declaration{AppID: "custom-demo", Version: "1", Auth: toolkit.AuthToken})
			msg := panicMessage(func() { tt.register(in) })
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, `connector "custom-demo"`) {
				t.Fatalf("panic %q does not name the connector or contain %q", msg, tt.want)
			}
		})
	}
	is := is.New(t)
	in := customDemo()
	msg := panicMessage(func() { toolkit.HandleCustom(in, "sync_groups", syncGroupsHandler) })
	is.True(strings.Contains(msg, "registered twice"))
}
