package github

import (
	"strings"
	"testing"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// TestPageTokensBoundToSettings: a page token works only with the
// settings that shaped its listing: base_url, org and the include_*
// switches.
func TestPageTokensBoundToSettings(t *testing.T) {
	tests := []struct {
		name     string
		capName  string
		settings func(e *env) map[string]any // the replay's settings
		code     errs.ErrorCode
	}{
		{"same settings", "list_accounts", func(*env) map[string]any { return nil }, ""},
		{"same settings, list_resources", "list_resources", func(*env) map[string]any { return nil }, ""},
		{"another base_url", "list_accounts", func(e *env) map[string]any {
			return map[string]any{"base_url": strings.Replace(e.base, "127.0.0.1", "localhost", 1)}
		}, errs.InvalidPageToken},
		{"another base_url, list_resources", "list_resources", func(e *env) map[string]any {
			return map[string]any{"base_url": strings.Replace(e.base, "127.0.0.1", "localhost", 1)}
		}, errs.InvalidPageToken},
		{"another org", "list_accounts", func(*env) map[string]any { return map[string]any{"org": "other"} }, errs.InvalidPageToken},
		{"another switch", "list_accounts", func(*env) map[string]any { return map[string]any{"include_pending_invitations": false} }, errs.InvalidPageToken},
		{"another switch, list_resources", "list_resources", func(*env) map[string]any {
			return map[string]any{"include_outside_collaborators": false}
		}, errs.InvalidPageToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := newIs(t)
			e := newEnv(t, envOptions{})
			for _, login := range []string{"ann", "bob", "cat"} {
				e.member(login, "member")
			}
			e.f.AddTeam(org, "core", "")
			e.f.AddTeam(org, "web", "")
			first := e.ok(tt.capName, map[string]any{}, call{page: &toolkit.Page{Size: 1}})
			is.True(first.Page != nil)
			again := e.dispatch(tt.capName, map[string]any{}, call{page: first.Page, settings: tt.settings(e)})
			if tt.code == "" {
				is.True(!again.IsError)
				return
			}
			is.True(again.IsError)
			is.Equal(again.Error.ErrorCode, tt.code)
			is.True(strings.Contains(again.Error.Message, "settings")) // says why
		})
	}
}
