package mock

import (
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/errs"
)

// Lookups the write capabilities share: they find accounts, resources and
// entitlements of the synthetic tenant by id, e-mail or username, and say
// what an account holds. Every "not found" names the thing that is missing.

const (
	teamIDPrefix = "team-"
	emailDomain  = "@mock.example.com"
)

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// names returns the indexes of account i's given and family names.
func names(i int64) (g, f int64) {
	return i % int64(len(givenNames)), (i / int64(len(givenNames))) % int64(len(familyNames))
}

// username is account i's username, as list_accounts reports it.
func username(i int64) string {
	g, f := names(i)
	return lowerGiven[g] + "." + lowerFamily[f] + "." + itoa(i)
}

// findAccount returns the index of the account id, or not_found.
func (t tenant) findAccount(id string) (int64, error) {
	i, ok := t.accountIndex(id)
	if !ok {
		return 0, errs.Newf(errs.NotFound, "Account '%s' not found", id)
	}
	return i, nil
}

// accountByUsername finds the account whose username is u, ignoring case.
func (t tenant) accountByUsername(u string) (int64, bool) {
	u = strings.ToLower(u)
	dot := strings.LastIndexByte(u, '.')
	if dot < 0 {
		return 0, false
	}
	i, ok := parseIndex(u[dot+1:], "", t.size)
	return i, ok && username(i) == u
}

// accountByEmail finds the account whose e-mail is e, ignoring case.
func (t tenant) accountByEmail(e string) (int64, bool) {
	local, ok := strings.CutSuffix(strings.ToLower(e), emailDomain)
	if !ok {
		return 0, false
	}
	return t.accountByUsername(local)
}

// resourceTypeOf returns the type of the resource id, or not_found.
func (t tenant) resourceTypeOf(id string) (string, error) {
	if id == "" {
		return ResourceTypeTenant, nil
	}
	if _, ok := parseIndex(id, teamIDPrefix, t.teams()); ok {
		return ResourceTypeTeam, nil
	}
	return "", errs.Newf(errs.NotFound, "Resource '%s' not found", id)
}

// entitlementTypeOf returns the type of entitlement entID on a resource of
// type resType, or not_found.
func entitlementTypeOf(resType, resID, entID string) (string, error) {
	switch resType {
	case ResourceTypeTenant:
		for _, r := range tenantRoles {
			if r.id == entID {
				return EntitlementTypeRole, nil
			}
		}
	case ResourceTypeTeam:
		switch entID {
		case "member":
			return EntitlementTypeTeamMember, nil
		case "maintainer":
			return EntitlementTypeTeamMaintainer, nil
		}
	}
	return "", errs.Newf(errs.NotFound, "Entitlement '%s' not found on resource '%s'", entID, resID)
}

// checkEntitlement checks that the entitlement entID of type entType exists
// on the resource resID. resType is checked too unless it is nil (the
// entitlements of create_account carry no resource type).
func (t tenant) checkEntitlement(resType *string, resID, entType, entID string) error {
	actual, err := t.resourceTypeOf(resID)
	if err != nil {
		return err
	}
	if resType != nil && *resType != actual {
		return errs.Newf(errs.NotFound, "Resource '%s' of type '%s' not found: it is of type '%s'", resID, *resType, actual)
	}
	et, err := entitlementTypeOf(actual, resID, entID)
	if err != nil {
		return err
	}
	if et != entType {
		return errs.Newf(errs.NotFound, "Entitlement '%s' of type '%s' not found on resource '%s': it is of type '%s'",
			entID, entType, resID, et)
	}
	return nil
}

// role is account i's tenant role: admin, billing or member.
func (t tenant) role(i int64) string { return t.association(2 * i).IntegrationSpecificEntitlementID }

// holds reports whether account i holds entitlement entID on resource resID.
func (t tenant) holds(i int64, entID, resID string) bool {
	for _, a := range [...]int64{2 * i, 2*i + 1} {
		if as := t.association(a); as.IntegrationSpecificEntitlementID == entID && as.IntegrationSpecificResourceID == resID {
			return true
		}
	}
	return false
}
