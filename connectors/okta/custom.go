package okta

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// CustomRolePrefix starts the admin_role entitlement id of a custom admin
// role on a resource set: "custom:<role id>:<resource set id>".
const CustomRolePrefix = "custom:"

// customType is the role assignment type of a custom admin role.
const customType = "CUSTOM"

// CustomRoleID is the admin_role entitlement id of the custom role roleID
// bound to the resource set setID.
func CustomRoleID(roleID, setID string) string {
	return CustomRolePrefix + roleID + ":" + setID
}

// parseCustomID splits a custom admin_role entitlement id into its role
// and resource set ids; anything else (a part missing, empty or not an id)
// is not_found.
func parseCustomID(id string) (roleID, setID string, err error) {
	rest, ok := strings.CutPrefix(id, CustomRolePrefix)
	parts := strings.Split(rest, ":")
	if ok && len(parts) == 2 && checkIAMID(parts[0]) == nil && checkIAMID(parts[1]) == nil {
		return parts[0], parts[1], nil
	}
	return "", "", errs.Newf(errs.NotFound, "Unknown admin role %q: a custom role's id is custom:<role id>:<resource set id>, as list_entitlements gives it.", id)
}

// checkIAMID refuses a custom role or resource set id that cannot be part
// of an entitlement id or of a path: empty, ".", "..", or holding one of
// ":/?#" or white space.
func checkIAMID(id string) error {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, ":/?# \t\r\n") {
		return errors.New("its id is missing or holds a separator")
	}
	return nil
}

// iamRole is a custom admin role (GET /api/v1/iam/roles).
type iamRole struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

func (r *iamRole) check() error { return checkIAMID(r.ID) }

// resourceSet is a resource set (GET /api/v1/iam/resource-sets).
type resourceSet struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

func (s *resourceSet) check() error { return checkIAMID(s.ID) }

// binding is a custom role bound to a resource set (its bindings listing).
type binding struct {
	ID string `json:"id"` // the custom role's id
}

func (b *binding) check() error { return checkIAMID(b.ID) }

// getIAM reads one page of an iam listing: the entries under key, checked
// by valid, and the next page from the body's _links.next (else the Link
// header; "" on the last page).
func getIAM[T any](ctx context.Context, ss *session, at, key string, valid func(*T) error) ([]T, string, error) {
	var body map[string]json.RawMessage
	resp, err := ss.c.GetJSON(ctx, at, &body)
	if err != nil {
		return nil, "", err
	}
	page := at
	if u, err := ss.c.URL(at); err == nil {
		page = u
	}
	var list []*T
	if raw, ok := body[key]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, "", errs.Newf(errs.InvalidResponse, "Invalid response from the API: %q of the answer at %s is not a list of entries.", key, errs.URLWithoutQuery(page))
		}
	}
	if err := httpclient.CheckList(page, list, valid); err != nil {
		return nil, "", err
	}
	var links struct {
		Next *struct {
			Href string `json:"href"`
		} `json:"next"`
	}
	if raw, ok := body["_links"]; ok {
		_ = json.Unmarshal(raw, &links)
	}
	next := paginate.NextLink(resp.Header)
	if links.Next != nil && links.Next.Href != "" {
		next = links.Next.Href
	}
	out := make([]T, len(list))
	for i, e := range list {
		out[i] = *e
	}
	return out, next, nil
}

// customRoles are the org's custom roles by id, read once per call
// (GET /api/v1/iam/roles, every page) when first needed.
type customRoles struct {
	once  sync.Once
	byID  map[string]iamRole
	err   error
	reads func(context.Context) (map[string]iamRole, error)
}

func (c *customRoles) get(ctx context.Context) (map[string]iamRole, error) {
	c.once.Do(func() { c.byID, c.err = c.reads(ctx) })
	return c.byID, c.err
}

// readCustomRoles reads every page of GET /api/v1/iam/roles.
func (ss *session) readCustomRoles(ctx context.Context) (map[string]iamRole, error) {
	pg, err := paginate.ByLink("okta/iam-roles").Resume("", "/api/v1/iam/roles")
	if err != nil {
		return nil, err
	}
	out := map[string]iamRole{}
	for {
		roles, next, err := getIAM(ctx, ss, pg.At, "roles", (*iamRole).check)
		if err != nil {
			return nil, err
		}
		for _, r := range roles {
			out[r.ID] = r
		}
		more, err := pg.Advance(next)
		if err != nil || !more {
			return out, err
		}
	}
}

// customEntitlement is the admin_role entitlement of a custom role bound
// to a resource set.
func customEntitlement(r iamRole, s resourceSet) toolkit.FoundEntitlementData {
	roleLabel, setLabel := r.Label, s.Label
	if roleLabel == "" {
		roleLabel = r.ID
	}
	if setLabel == "" {
		setLabel = s.ID
	}
	extra := map[string]any{"custom_role_id": r.ID, "custom_role_label": roleLabel, "resource_set_id": s.ID, "resource_set_label": setLabel}
	if r.Description != "" {
		extra["custom_role_description"] = r.Description
	}
	if s.Description != "" {
		extra["resource_set_description"] = s.Description
	}
	return toolkit.FoundEntitlementData{EntitlementType: EntitlementTypeAdminRole, IntegrationSpecificID: CustomRoleID(r.ID, s.ID),
		IntegrationSpecificResourceID: "", IsAssignable: toolkit.Ptr(true), Label: roleLabel + " on " + setLabel,
		Description: toolkit.Ptr("The Okta custom admin role " + roleLabel + " on the resource set " + setLabel), ExtraData: extra}
}

// customPhase lists one admin_role entitlement per binding: the resource
// sets (GET /api/v1/iam/resource-sets), each one's bindings
// (…/{id}/bindings), labelled from the custom roles read once per call.
func (ss *session) customPhase() paginate.Nested[resourceSet, toolkit.FoundEntitlementData] {
	roles := &customRoles{reads: ss.readCustomRoles}
	return paginate.Nested[resourceSet, toolkit.FoundEntitlementData]{
		First: "/api/v1/iam/resource-sets",
		Outer: func(ctx context.Context, at string) ([]resourceSet, string, error) {
			return getIAM(ctx, ss, at, "resource-sets", (*resourceSet).check)
		},
		InnerFirst: func(s resourceSet) string { return "/api/v1/iam/resource-sets/" + url.PathEscape(s.ID) + "/bindings" },
		Inner: func(ctx context.Context, s resourceSet, at string) ([]toolkit.FoundEntitlementData, string, error) {
			bs, next, err := getIAM(ctx, ss, at, "roles", (*binding).check)
			if statusOf(err) == http.StatusNotFound {
				return nil, "", nil // deleted since the outer page was read
			}
			if err != nil || len(bs) == 0 {
				return nil, next, err
			}
			byID, err := roles.get(ctx)
			if err != nil {
				return nil, "", err
			}
			out := make([]toolkit.FoundEntitlementData, len(bs))
			for i, b := range bs {
				r, ok := byID[b.ID]
				if !ok {
					r = iamRole{ID: b.ID} // deleted since the roles were read
				}
				out[i] = customEntitlement(r, s)
			}
			return out, next, nil
		},
	}
}

// checkCustomExists answers not_found unless the custom role (by id, not
// label) and the resource set exist.
func (ss *session) checkCustomExists(ctx context.Context, roleID, setID string) error {
	var r iamRole
	if _, err := ss.c.GetJSON(ctx, "/api/v1/iam/roles/"+url.PathEscape(roleID), &r); err != nil {
		return notFound(err, "The Okta custom admin role "+quote(roleID))
	}
	if r.ID != roleID { // Okta also finds a role by its label
		return errs.Newf(errs.NotFound, "Unknown custom admin role id %q: it is the label of the role %s; use that id.", roleID, r.ID)
	}
	var s resourceSet
	if _, err := ss.c.GetJSON(ctx, "/api/v1/iam/resource-sets/"+url.PathEscape(setID), &s); err != nil {
		return notFound(err, "The Okta resource set "+quote(setID))
	}
	return nil
}

// changeCustomRole assigns or unassigns a custom role on a resource set
// after checking that the user, the role (by id) and the resource set
// exist; a repeat is a noop (see grantRole).
func (ss *session) changeCustomRole(ctx context.Context, r toolkit.EntitlementRef, add bool) (toolkit.Effect, error) {
	roleID, setID, err := parseCustomID(r.EntitlementID)
	if err != nil {
		return toolkit.Effect{}, err
	}
	if _, err := ss.getUser(ctx, r.AccountID); err != nil {
		return toolkit.Effect{}, err
	}
	if err := ss.checkCustomExists(ctx, roleID, setID); err != nil {
		return toolkit.Effect{}, err
	}
	return ss.grantRole(ctx, r.AccountID, add, "custom admin role "+r.EntitlementID,
		map[string]string{"type": customType, "role": roleID, "resource-set": setID},
		func(x *role) bool { return x.Type == customType && x.Role == roleID && x.ResourceSet == setID })
}
