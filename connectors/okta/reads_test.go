package okta_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/okta"
	"github.com/lumosgo/lumos/connectors/okta/oktafake"
	"github.com/lumosgo/lumos/toolkit"
)

// TestSettingsRefused: settings the connector cannot use are bad_request
// before any request is sent.
func TestSettingsRefused(t *testing.T) {
	cases := []struct {
		name     string
		settings map[string]any
		want     string
	}{
		{"neither", map[string]any{}, "set domain"},
		{"both", map[string]any{"domain": "acme.okta.com", "base_url": "https://acme.okta.com"}, "not both"},
		{"domain_with_scheme", map[string]any{"domain": "https://acme.okta.com"}, "not a host name"},
		{"domain_with_path", map[string]any{"domain": "acme.okta.com/x"}, "not a host name"},
		{"plain_http", map[string]any{"base_url": "http://acme.okta.com"}, "https"},
		{"path", map[string]any{"base_url": "https://acme.okta.com/api/v1"}, "no path"},
		{"query", map[string]any{"base_url": "https://acme.okta.com?x=1"}, "base_url"},
		{"user", map[string]any{"base_url": "https://me@acme.okta.com"}, "base_url"},
		{"ftp", map[string]any{"base_url": "ftp://acme.okta.com"}, "base_url"},
		{"page_size_too_big", map[string]any{"base_url": "https://acme.okta.com", "page_size": 201}, "page_size"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := &env{t: t, settings: c.settings, creds: tokenCreds(apiToken)}
			e.fail("list_accounts", map[string]any{}, toolkit.ErrorCode("bad_request"), c.want)
		})
	}
}

// TestCredentialsRefused: a request must carry exactly one usable credential.
func TestCredentialsRefused(t *testing.T) {
	_, pemKey := newKey(t)
	cases := []struct {
		name  string
		creds []any
		code  string
		want  string
	}{
		{"none", []any{}, "bad_request", "Missing credential"},
		{"two", append(tokenCreds(apiToken), appCreds(clientID, pemKey)...), "bad_request", "exactly one"},
		{"empty_token", tokenCreds(" "), "unauthorized", "empty"},
		{"bad_pem", appCreds(clientID, "not a key"), "bad_request", "PEM"},
		{"no_client_id", appCreds("", pemKey), "bad_request", "client id"},
		{"unknown_token", tokenCreds("00nope"), "unauthorized", "Invalid token provided"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.creds = c.creds
			e.fail("validate_credentials", map[string]any{}, toolkit.ErrorCode(c.code), c.want)
		})
	}
}

// TestValidateCredentials: the tenant id is the org's id.
func TestValidateCredentials(t *testing.T) {
	is := is.New(t)
	e := newEnv(t, nil)
	e.f.AddUsers(3)
	env := e.ok("validate_credentials", map[string]any{}, nil)
	var v toolkit.ValidatedCredentials
	is.NoErr(json.Unmarshal(env.Response, &v))
	is.True(v.Valid)
	is.Equal(v.UniqueTenantID, e.f.OrgID)
}

// TestStatusMapping: every Okta user status maps to its Lumos status, in
// listings and in get_account, and Okta's own word stays in extra_data.
func TestStatusMapping(t *testing.T) {
	cases := []struct{ okta, lumos string }{
		{"STAGED", "PENDING"},
		{"PROVISIONED", "PENDING"},
		{"ACTIVE", "ACTIVE"},
		{"RECOVERY", "ACTIVE"},
		{"PASSWORD_EXPIRED", "ACTIVE"},
		{"LOCKED_OUT", "SUSPENDED"},
		{"SUSPENDED", "SUSPENDED"},
		{"DEPROVISIONED", "DEPROVISIONED"},
	}
	e := newEnv(t, map[string]any{"include_deprovisioned": true})
	ids := map[string]string{}
	for _, c := range cases {
		ids[c.okta] = e.f.AddUser(oktafake.User{Status: c.okta, Login: strings.ToLower(c.okta) + "@example.com"})
	}
	listed, _ := drain[account](e, "list_accounts", 100)
	byID := map[string]account{}
	for _, a := range listed {
		byID[a.ID] = a
	}
	for _, c := range cases {
		t.Run(c.okta, func(t *testing.T) {
			is := is.New(t)
			a := byID[ids[c.okta]]
			is.Equal(a.Status, c.lumos)
			is.Equal(a.Extra["okta_status"], c.okta)
			var got account
			is.NoErr(json.Unmarshal(e.ok("get_account", map[string]any{"account_id": ids[c.okta]}, nil).Response, &got))
			is.Equal(got.Status, c.lumos)
		})
	}
}

// TestAccountFields: profile fields, lastLogin and the deprovisioned switch.
func TestAccountFields(t *testing.T) {
	is := is.New(t)
	last := time.Date(2026, 11, 30, 8, 9, 10, 0, time.UTC)
	cases := []struct {
		name          string
		deprovisioned bool
		want          int
	}{
		{"without_deprovisioned", false, 1},
		{"with_deprovisioned", true, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, map[string]any{"include_deprovisioned": c.deprovisioned})
			id := e.f.AddUser(oktafake.User{Login: "ada@example.com", Email: "ada@corp.example", FirstName: "Ada", LastName: "Lovelace",
				LastLogin: last, Extra: map[string]string{"title": "Engineer", "department": "R&D", "managerId": "00umgr"}})
			e.f.AddUser(oktafake.User{Status: "DEPROVISIONED"})
			accs, _ := drain[account](e, "list_accounts", 10)
			is.Equal(len(accs), c.want)
			a := accs[0]
			is.Equal(a.ID, id)
			is.Equal(*a.Username, "ada@example.com")
			is.Equal(*a.Email, "ada@corp.example")
			is.Equal(*a.GivenName, "Ada")
			is.Equal(*a.FamilyName, "Lovelace")
			is.Equal(a.Extra["title"], "Engineer")
			is.Equal(a.Extra["department"], "R&D")
			is.Equal(a.Extra["manager_id"], "00umgr")
			is.Equal(a.Extra["last_login"], "2026-11-30T08:09:10.000Z")
		})
	}
}

// TestGetAccountNotFound: an unknown id is not_found naming it.
func TestGetAccountNotFound(t *testing.T) {
	e := newEnv(t, nil)
	e.fail("get_account", map[string]any{"account_id": "00unope"}, "not_found", "00unope")
	e.fail("get_account", map[string]any{"account_id": "../x"}, "not_found")
}

// TestGetLastActivity: lastLogin of each account that has one; unknown
// accounts and accounts that never signed in are left out.
func TestGetLastActivity(t *testing.T) {
	is := is.New(t)
	e := newEnv(t, nil)
	a := e.f.AddUser(oktafake.User{LastLogin: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	b := e.f.AddUser(oktafake.User{})
	env := e.ok("get_last_activity", map[string]any{"account_ids": []string{a, b, "00ugone"}}, nil)
	var got []toolkit.LastActivityData
	is.NoErr(json.Unmarshal(env.Response, &got))
	is.Equal(got, []toolkit.LastActivityData{{AccountID: a, EventType: toolkit.ActivityLastLogin, HappenedAt: "2026-01-02T03:04:05.000Z"}})
}

// TestPaging drains users at several Lumos and upstream page sizes: every
// user once, in order, and one upstream request per page_size users.
func TestPaging(t *testing.T) {
	for _, size := range []int{1, 7, 200, 1000} {
		for _, upstream := range []int{3, 50, 200} {
			t.Run(fmt.Sprintf("size%d/limit%d", size, upstream), func(t *testing.T) {
				is := is.New(t)
				e := newEnv(t, map[string]any{"page_size": upstream})
				ids := e.f.AddUsers(437)
				before := e.f.RouteRequests("GET /api/v1/users")
				accs, calls := drain[account](e, "list_accounts", size)
				got := make([]string, len(accs))
				for i, a := range accs {
					got[i] = a.ID
				}
				is.Equal(strings.Join(got, ","), strings.Join(ids, ","))
				requests := e.f.RouteRequests("GET /api/v1/users") - before
				per := min(size, upstream)
				// whole pages: each Lumos page asks for what fits, one request per upstream page
				pagesPerCall := (size + per - 1) / per
				is.True(requests <= int64(calls*pagesPerCall)+1)
				if size >= upstream {
					is.Equal(requests, int64((437+upstream-1)/upstream)+boolInt(437%upstream == 0))
				}
			})
		}
	}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// seedOrg makes 6 users, two groups, an APP_GROUP, two apps, standard
// roles and custom roles: Help desk lite on SF IT held by user 2 directly
// and through a group, Help desk lite on All users held by user 3 through
// a group only, and Auditor bound to All users without members.
func seedOrg(e *env) (users []string, groups []string, apps []string) {
	users = e.f.AddUsers(6)
	groups = []string{
		e.f.AddGroup(oktafake.Group{Name: "Engineering", Description: "Builders"}),
		e.f.AddGroup(oktafake.Group{Name: "Everyone", Type: "BUILT_IN"}),
	}
	for i, u := range users {
		e.f.AddMember(groups[1], u)
		if i%2 == 0 {
			e.f.AddMember(groups[0], u)
		}
	}
	apps = []string{e.f.AddApp(oktafake.App{Name: "slack", Label: "Slack"}), e.f.AddApp(oktafake.App{Name: "zoom", Label: "Zoom"})}
	e.f.AssignApp(apps[0], users[0])
	e.f.AssignApp(apps[0], users[1])
	e.f.AssignApp(apps[1], users[5])
	e.f.AddRole(users[0], "SUPER_ADMIN", false)
	e.f.AddRole(users[1], "HELP_DESK_ADMIN", false)
	e.f.AddRole(users[1], "READ_ONLY_ADMIN", true)
	e.roles = []string{e.f.AddCustomRole(oktafake.CustomRole{Label: "Help desk lite", Description: "Resets passwords"}),
		e.f.AddCustomRole(oktafake.CustomRole{Label: "Auditor", Description: "Reads logs"})}
	e.sets = []string{e.f.AddResourceSet(oktafake.ResourceSet{Label: "SF IT", Description: "San Francisco"}),
		e.f.AddResourceSet(oktafake.ResourceSet{Label: "All users"})}
	e.f.AddCustomAssignment(users[2], e.roles[0], e.sets[0], false)
	e.f.AddCustomAssignment(users[2], e.roles[0], e.sets[0], true)
	e.f.AddCustomAssignment(users[3], e.roles[0], e.sets[1], true)
	e.f.AddBinding(e.sets[1], e.roles[1])
	return users, groups, apps
}

// TestResourcesAndEntitlements: the org, then apps with the switch; admin
// roles, groups and app assignments as entitlements.
func TestResourcesAndEntitlements(t *testing.T) {
	cases := []struct {
		name      string
		apps      bool
		resources []string
		ents      int
	}{
		{"without_apps", false, []string{""}, len(okta.AdminRoles) + 3 + 2},
		{"with_apps", true, []string{"", "app:A0", "app:A1"}, len(okta.AdminRoles) + 3 + 2 + 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			e := newEnv(t, map[string]any{"include_app_assignments": c.apps})
			_, groups, apps := seedOrg(e)
			res, _ := drain[toolkit.FoundResourceData](e, "list_resources", 2)
			var ids []string
			for _, r := range res {
				ids = append(ids, r.IntegrationSpecificID)
			}
			want := strings.NewReplacer("A0", apps[0], "A1", apps[1]).Replace(strings.Join(c.resources, ","))
			is.Equal(strings.Join(ids, ","), want)
			is.Equal(res[0].Label, "Fake Corp")
			is.Equal(res[0].ExtraData["org_id"], e.f.OrgID)
			ents, _ := drain[toolkit.FoundEntitlementData](e, "list_entitlements", 3)
			is.Equal(len(ents), c.ents)
			is.Equal(ents[0].IntegrationSpecificID, "SUPER_ADMIN")
			custom := ents[len(okta.AdminRoles) : len(okta.AdminRoles)+3] // one per binding, after the standard roles
			is.Equal(custom[0].IntegrationSpecificID, "custom:"+e.roles[0]+":"+e.sets[0])
			is.Equal(custom[0].EntitlementType, okta.EntitlementTypeAdminRole)
			is.Equal(custom[0].Label, "Help desk lite on SF IT")
			is.True(*custom[0].IsAssignable)
			is.Equal(custom[0].ExtraData["resource_set_description"], "San Francisco")
			is.Equal(custom[1].IntegrationSpecificID, okta.CustomRoleID(e.roles[0], e.sets[1]))
			is.Equal(custom[2].IntegrationSpecificID, okta.CustomRoleID(e.roles[1], e.sets[1]))
			is.Equal(custom[2].Label, "Auditor on All users")
			g := ents[len(okta.AdminRoles)+3]
			is.Equal(g.IntegrationSpecificID, groups[0])
			is.Equal(g.Label, "Engineering")
			is.True(*g.IsAssignable)
			is.True(!*ents[len(okta.AdminRoles)+4].IsAssignable) // BUILT_IN Everyone
		})
	}
}

// TestAssociations: find_entitlement_associations and
// get_account_entitlement_associations agree, with and without apps, at
// several page sizes.
func TestAssociations(t *testing.T) {
	for _, apps := range []bool{false, true} {
		for _, size := range []int{1, 4, 100} {
			t.Run(fmt.Sprintf("apps%t/size%d", apps, size), func(t *testing.T) {
				is := is.New(t)
				e := newEnv(t, map[string]any{"include_app_assignments": apps, "page_size": 2})
				users, groups, appIDs := seedOrg(e)
				as, _ := drain[association](e, "find_entitlement_associations", size)
				var got []string
				for _, a := range as {
					got = append(got, a.String())
				}
				want := []string{
					users[0] + "|SUPER_ADMIN|", users[1] + "|HELP_DESK_ADMIN|", users[1] + "|READ_ONLY_ADMIN|",
					users[2] + "|custom:" + e.roles[0] + ":" + e.sets[0] + "|", // held directly and through a group: once
					users[3] + "|custom:" + e.roles[0] + ":" + e.sets[1] + "|",
				}
				for i, u := range users {
					if i%2 == 0 {
						want = append(want, u+"|"+groups[0]+"|")
					}
				}
				for _, u := range users {
					want = append(want, u+"|"+groups[1]+"|")
				}
				if apps {
					want = append(want, users[0]+"|assigned|app:"+appIDs[0], users[1]+"|assigned|app:"+appIDs[0], users[5]+"|assigned|app:"+appIDs[1])
				}
				is.Equal(got, want) // each association once, in order
				var perAccount []string
				for _, u := range users {
					var one []association
					is.NoErr(json.Unmarshal(e.ok("get_account_entitlement_associations", map[string]any{"account_id": u}, nil).Response, &one))
					for _, a := range one {
						perAccount = append(perAccount, a.String())
					}
				}
				sort.Strings(perAccount)
				sort.Strings(got)
				is.Equal(perAccount, got)
			})
		}
	}
}

// TestErrorBodies: Okta's error bodies map to error codes by errorCode,
// with the summary and causes in the message.
func TestErrorBodies(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		code   string
		want   []string
	}{
		{"invalid_token", 401, `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae1","errorCauses":[]}`,
			"unauthorized", []string{"Invalid token provided", "E0000011", "oae1"}},
		{"forbidden", 403, `{"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action","errorCauses":[]}`,
			"permission_denied", []string{"permission", "E0000006"}},
		{"not_found", 404, `{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00u1 (User)","errorCauses":[]}`,
			"not_found", []string{"Resource not found"}},
		{"validation", 400, `{"errorCode":"E0000001","errorSummary":"Api validation failed: login","errorCauses":[{"errorSummary":"login: An object with this field already exists"},{"errorSummary":"email: Does not match required pattern"}]}`,
			"bad_request", []string{"Api validation failed: login: login: An object with this field already exists; email: Does not match required pattern"}},
		{"forbidden_code_on_400", 400, `{"errorCode":"E0000006","errorSummary":"nope"}`, "permission_denied", []string{"nope"}},
		{"no_body", 403, ``, "permission_denied", []string{"403 Forbidden"}},
		{"html", 500, `<html>oops</html>`, "", []string{"500"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				_, _ = w.Write([]byte(c.body))
			}))
			defer srv.Close()
			e := &env{t: t, settings: map[string]any{"base_url": srv.URL}, creds: tokenCreds(apiToken)}
			env := e.call("list_accounts", map[string]any{}, nil)
			is.True(env.IsError)
			if c.code != "" {
				is.Equal(string(env.Error.ErrorCode), c.code)
			}
			for _, w := range c.want {
				is.True(strings.Contains(env.Error.Message, w))
			}
			is.True(!strings.Contains(string(env.raw), apiToken))
		})
	}
}

// TestPermissionDeniedWrites: a read-only admin's token is refused writes
// with permission_denied.
func TestPermissionDeniedWrites(t *testing.T) {
	e := newEnv(t, nil)
	users, groups, _ := seedOrg(e)
	e.creds = tokenCreds(readOnlyToken)
	cases := []struct{ name, capName, entType, entID string }{
		{"group", "assign_entitlement", okta.EntitlementTypeGroupMember, groups[0]},
		{"custom_role", "assign_entitlement", okta.EntitlementTypeAdminRole, okta.CustomRoleID(e.roles[1], e.sets[0])},
		{"custom_role_unassign", "unassign_entitlement", okta.EntitlementTypeAdminRole, okta.CustomRoleID(e.roles[0], e.sets[0])},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			user := users[1]
			if c.entType == okta.EntitlementTypeAdminRole {
				user = users[2] // holds the first custom role on the first set directly
			}
			e.fail(c.capName, map[string]any{"account_integration_specific_id": user, "resource_type": "org", "resource_integration_specific_id": "",
				"entitlement_type": c.entType, "entitlement_integration_specific_id": c.entID}, "permission_denied", "E0000006")
		})
	}
}

// TestCustomRoleEntitlements: one admin_role entitlement per binding, in
// resource set order, whatever the iam page size (paged by the body's
// _links.next) and the Lumos page size; the custom roles are read once per
// call that needs their labels, and not at all without bindings.
func TestCustomRoleEntitlements(t *testing.T) {
	cases := []struct {
		name    string
		iamPage int
		size    int
		bound   [][]int // per resource set, the custom roles bound to it
	}{
		{"iam1/size1", 1, 1, [][]int{{0, 1, 2}, {}, {4}, {0, 1, 2, 3, 4}}},
		{"iam2/size3", 2, 3, [][]int{{0, 1, 2}, {}, {4}, {0, 1, 2, 3, 4}}},
		{"iam20/size100", 20, 100, [][]int{{0, 1, 2}, {}, {4}, {0, 1, 2, 3, 4}}},
		{"iam2/size4/unbound", 2, 4, [][]int{{}, {}}},
		{"iam2/size4/no_sets", 2, 4, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			e := newEnv(t, map[string]any{"page_size": 2})
			e.f.SetIAMPageSize(c.iamPage)
			g := e.f.AddGroup(oktafake.Group{Name: "After the roles"})
			var roles []string
			for i := range 5 {
				roles = append(roles, e.f.AddCustomRole(oktafake.CustomRole{Label: fmt.Sprintf("Role %d", i), Description: "d"}))
			}
			var want []string
			for i, bound := range c.bound {
				set := e.f.AddResourceSet(oktafake.ResourceSet{Label: fmt.Sprintf("Set %d", i)})
				for _, r := range bound {
					e.f.AddBinding(set, roles[r])
					want = append(want, okta.CustomRoleID(roles[r], set)+"="+fmt.Sprintf("Role %d on Set %d", r, i))
				}
			}
			ents, calls := drain[toolkit.FoundEntitlementData](e, "list_entitlements", c.size)
			var got []string
			for _, en := range ents[len(okta.AdminRoles) : len(ents)-1] {
				is.Equal(en.EntitlementType, okta.EntitlementTypeAdminRole)
				got = append(got, en.IntegrationSpecificID+"="+en.Label)
			}
			is.Equal(got, want)
			is.Equal(ents[len(ents)-1].IntegrationSpecificID, g)
			reads := e.f.RouteRequests("GET /api/v1/iam/roles")
			pages := int64((5 + c.iamPage - 1) / c.iamPage)
			if len(want) == 0 {
				is.Equal(reads, int64(0)) // no binding: no label needed
			} else {
				is.True(reads >= pages && reads <= int64(calls)*pages)
			}
		})
	}
}
