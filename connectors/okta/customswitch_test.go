package okta_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/okta"
	"github.com/lumosgo/lumos/toolkit"
)

// TestCustomRolesTurnedOff: with include_custom_roles false the connector
// reads no resource set, binding or custom role, lists and reports no
// custom role (the standard ones still), and refuses to grant one.
func TestCustomRolesTurnedOff(t *testing.T) {
	is := is.New(t)
	e := newEnv(t, map[string]any{"include_custom_roles": false, "page_size": 2})
	users, _, _ := seedOrg(e)

	ents, _ := drain[toolkit.FoundEntitlementData](e, "list_entitlements", 3)
	roles := 0
	for _, en := range ents {
		is.True(!strings.HasPrefix(en.IntegrationSpecificID, okta.CustomRolePrefix)) // no custom role listed
		if en.EntitlementType == okta.EntitlementTypeAdminRole {
			roles++
		}
	}
	is.Equal(roles, len(okta.AdminRoles)) // the standard roles are

	as, _ := drain[association](e, "find_entitlement_associations", 4)
	var standard int
	for _, a := range as {
		is.True(!strings.HasPrefix(a.EntitlementID, okta.CustomRolePrefix)) // no custom role reported
		if a.EntitlementID == "SUPER_ADMIN" || a.EntitlementID == "HELP_DESK_ADMIN" {
			standard++
		}
	}
	is.Equal(standard, 2)
	for _, u := range users[2:4] { // the holders of custom roles
		var one []association
		is.NoErr(json.Unmarshal(e.ok("get_account_entitlement_associations", map[string]any{"account_id": u}, nil).Response, &one))
		for _, a := range one {
			is.True(!strings.HasPrefix(a.EntitlementID, okta.CustomRolePrefix))
		}
	}

	custom := okta.CustomRoleID(e.roles[0], e.sets[1])
	for _, capName := range []string{"assign_entitlement", "unassign_entitlement"} {
		e.fail(capName, grant(users[4], okta.EntitlementTypeAdminRole, custom, ""),
			"bad_request", "custom admin roles are turned off (the include_custom_roles setting)")
	}
	for _, route := range []string{"GET /api/v1/iam/resource-sets", "GET /api/v1/iam/roles", "GET /api/v1/iam/resource-sets/{resourceSetId}/bindings",
		"GET /api/v1/iam/roles/{roleIdOrLabel}", "GET /api/v1/iam/resource-sets/{resourceSetId}"} {
		is.Equal(e.f.RouteRequests(route), int64(0)) // nothing custom was read
	}
}
