package mock

import (
	"strconv"
	"strings"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// Resource and entitlement type ids of the mock tenant.
const (
	ResourceTypeTenant            = "tenant"
	ResourceTypeTeam              = "team"
	EntitlementTypeRole           = "role"
	EntitlementTypeTeamMember     = "team_member"
	EntitlementTypeTeamMaintainer = "team_maintainer"
)

// The synthetic tenant. Everything about account i is a pure function of i
// and the tenant size, so any page is produced without touching the others.
//
//   - account i has id "user-<i>"; every 20th account is a service account;
//   - statuses cycle so every AccountStatus appears in a tenant of 100;
//   - there is one team per 25 accounts (at least one); account i is in team
//     i mod teams, as maintainer when i/teams is a multiple of 10;
//   - every account holds exactly one tenant role (admin, billing or member)
//     and one team entitlement, so association j belongs to account j/2.

const accountIDPrefix = "user-"

var givenNames = [...]string{"Ada", "Alan", "Barbara", "Brian", "Claude", "Donald", "Edsger", "Frances",
	"Grace", "Hedy", "Ivan", "Joan", "John", "Ken", "Leslie", "Margaret"}

var familyNames = [...]string{"Lovelace", "Turing", "Liskov", "Kernighan", "Shannon", "Knuth", "Dijkstra",
	"Allen", "Hopper", "Lamarr", "Sutherland", "Clarke", "McCarthy", "Thompson", "Lamport", "Hamilton"}

// lowerGiven and lowerFamily are the names as they appear in login names,
// written out rather than lowered at start-up (TestLoweredNames checks them).
var lowerGiven = [...]string{"ada", "alan", "barbara", "brian", "claude", "donald", "edsger", "frances",
	"grace", "hedy", "ivan", "joan", "john", "ken", "leslie", "margaret"}

var lowerFamily = [...]string{"lovelace", "turing", "liskov", "kernighan", "shannon", "knuth", "dijkstra",
	"allen", "hopper", "lamarr", "sutherland", "clarke", "mccarthy", "thompson", "lamport", "hamilton"}

var departments = [...]string{"Engineering", "Finance", "Legal", "Marketing", "Operations", "People", "Sales", "Security"}

var tenantRoles = [...]struct{ id, label string }{{"admin", "Administrator"}, {"billing", "Billing manager"}, {"member", "Member"}}

var statusCycle = [...]toolkit.AccountStatus{
	toolkit.AccountStatusActive, toolkit.AccountStatusActive, toolkit.AccountStatusActive, toolkit.AccountStatusInactive,
	toolkit.AccountStatusActive, toolkit.AccountStatusActive, toolkit.AccountStatusSuspended, toolkit.AccountStatusActive,
	toolkit.AccountStatusPending, toolkit.AccountStatusActive, toolkit.AccountStatusDeprovisioned, toolkit.AccountStatusActive,
	toolkit.AccountStatusActive, toolkit.AccountStatusDeleted,
}

// epoch is the fixed "now" of the tenant, so activity times are reproducible.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type tenant struct{ size int64 }

func (t tenant) teams() int64 { return max(1, (t.size+24)/25) }

func accountID(i int64) string { return accountIDPrefix + strconv.FormatInt(i, 10) }

// accountIndex parses an account id of this tenant.
func (t tenant) accountIndex(id string) (int64, bool) { return parseIndex(id, accountIDPrefix, t.size) }

// parseIndex parses "<prefix><n>" with n in [0, limit), in canonical form only.
func parseIndex(id, prefix string, limit int64) (int64, bool) {
	digits, ok := strings.CutPrefix(id, prefix)
	// Only the canonical form: ParseInt would also take a sign ("user-+5").
	if !ok || digits == "" || digits[0] < '0' || digits[0] > '9' || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	i, err := strconv.ParseInt(digits, 10, 64)
	return i, err == nil && i >= 0 && i < limit
}

func status(i int64) toolkit.AccountStatus { return statusCycle[i%int64(len(statusCycle))] }

// accounts returns accounts [start, end). The page's strings are cut from
// one string built once, so a page costs a handful of allocations, not
// several per account.
func (t tenant) accounts(start, end int64, attrs []string) []toolkit.FoundAccountData {
	const domain = "@mock.example.com"
	n := int(end - start)
	// Each account adds "user-<i>" then "<given>.<family>.<i>" (the username)
	// then the domain (username+domain is the e-mail). userAt[k] records where
	// account k's username starts and ends; the id ends where it starts.
	var b strings.Builder
	b.Grow(n * 64)
	userAt := make([][2]int32, n)
	var num [20]byte
	for k := range n {
		i := start + int64(k)
		g, f := i%int64(len(givenNames)), (i/int64(len(givenNames)))%int64(len(familyNames))
		digits := strconv.AppendInt(num[:0], i, 10)
		b.WriteString(accountIDPrefix)
		b.Write(digits)
		userAt[k][0] = int32(b.Len())
		b.WriteString(lowerGiven[g])
		b.WriteByte('.')
		b.WriteString(lowerFamily[f])
		b.WriteByte('.')
		b.Write(digits)
		userAt[k][1] = int32(b.Len())
		b.WriteString(domain)
	}
	all := b.String()

	out := make([]toolkit.FoundAccountData, n)
	strs := make([]string, 2*n) // username and e-mail of each account, pointed to by the accounts
	statuses := make([]toolkit.AccountStatus, n)
	types := [...]toolkit.AccountType{toolkit.AccountTypeUser, toolkit.AccountTypeService}
	idStart := 0
	for k := range out {
		i := start + int64(k)
		g, f := i%int64(len(givenNames)), (i/int64(len(givenNames)))%int64(len(familyNames))
		userStart, userEnd := int(userAt[k][0]), int(userAt[k][1])
		strs[2*k], strs[2*k+1] = all[userStart:userEnd], all[userStart:userEnd+len(domain)]
		statuses[k] = status(i)
		a := &out[k]
		a.IntegrationSpecificID = all[idStart:userStart]
		a.Username, a.Email = &strs[2*k], &strs[2*k+1]
		a.GivenName = &givenNames[g]
		a.FamilyName = &familyNames[f]
		a.UserStatus = &statuses[k]
		a.AccountType = &types[0]
		if i%20 == 19 {
			a.AccountType = &types[1]
		}
		if len(attrs) > 0 {
			a.CustomAttributes = t.accountAttributes(i, attrs)
		}
		idStart = userEnd + len(domain)
	}
	return out
}

func (t tenant) account(i int64, attrs []string) toolkit.FoundAccountData {
	return t.accounts(i, i+1, attrs)[0]
}

// accountAttributes answers the custom attributes asked for; unknown names are skipped.
func (t tenant) accountAttributes(i int64, attrs []string) map[string]string {
	m := make(map[string]string, len(attrs))
	for _, a := range attrs {
		switch a {
		case "department":
			m[a] = departments[i%int64(len(departments))]
		case "manager":
			m[a] = accountID(i - i%10)
		}
	}
	return m
}

// resources: index 0 is the tenant itself, then one resource per team.
func (t tenant) resourceCount() int64 { return 1 + t.teams() }

func (t tenant) resource(j int64) toolkit.FoundResourceData {
	if j == 0 {
		return toolkit.FoundResourceData{IntegrationSpecificID: "", Label: "Mock tenant", ResourceType: ResourceTypeTenant,
			Description: toolkit.Ptr("The whole synthetic tenant.")}
	}
	k := strconv.FormatInt(j-1, 10)
	return toolkit.FoundResourceData{IntegrationSpecificID: "team-" + k, Label: "Team " + k, ResourceType: ResourceTypeTeam,
		ExtraData: map[string]string{"department": departments[(j-1)%int64(len(departments))]}}
}

// entitlements: the tenant roles, then member and maintainer of each team.
func (t tenant) entitlementCount() int64 { return int64(len(tenantRoles)) + 2*t.teams() }

func (t tenant) entitlement(j int64, attrs []string) toolkit.FoundEntitlementData {
	var e toolkit.FoundEntitlementData
	if j < int64(len(tenantRoles)) {
		r := tenantRoles[j]
		e = toolkit.FoundEntitlementData{EntitlementType: EntitlementTypeRole, IntegrationSpecificID: r.id,
			IntegrationSpecificResourceID: "", Label: r.label, IsAssignable: toolkit.Ptr(true)}
	} else {
		team := (j - int64(len(tenantRoles))) / 2
		k := strconv.FormatInt(team, 10)
		e = toolkit.FoundEntitlementData{EntitlementType: EntitlementTypeTeamMember, IntegrationSpecificID: "member",
			IntegrationSpecificResourceID: "team-" + k, Label: "Member of Team " + k, IsAssignable: toolkit.Ptr(true)}
		if (j-int64(len(tenantRoles)))%2 == 1 {
			e.EntitlementType, e.IntegrationSpecificID, e.Label = EntitlementTypeTeamMaintainer, "maintainer", "Maintainer of Team "+k
		}
	}
	for _, a := range attrs {
		if a == "cost_center" {
			e.CustomAttributes = map[string]string{a: "CC-" + strconv.FormatInt(100+j%7, 10)}
		}
	}
	return e
}

// association j: account j/2's tenant role (even j) or team entitlement (odd j).
func (t tenant) association(j int64) toolkit.FoundEntitlementAssociation {
	i := j / 2
	if j%2 == 0 {
		role := "member"
		switch {
		case i%50 == 0:
			role = "admin"
		case i%17 == 1:
			role = "billing"
		}
		return toolkit.FoundEntitlementAssociation{AccountID: accountID(i), IntegrationSpecificEntitlementID: role,
			IntegrationSpecificResourceID: ""}
	}
	teams := t.teams()
	ent := "member"
	if (i/teams)%10 == 0 {
		ent = "maintainer"
	}
	return toolkit.FoundEntitlementAssociation{AccountID: accountID(i), IntegrationSpecificEntitlementID: ent,
		IntegrationSpecificResourceID: "team-" + strconv.FormatInt(i%teams, 10)}
}

// lastActivity reports account i's last login; pending accounts never logged in.
func (t tenant) lastActivity(i int64) (toolkit.LastActivityData, bool) {
	at, ok := lastLogin(i)
	if !ok {
		return toolkit.LastActivityData{}, false
	}
	return toolkit.LastActivityData{AccountID: accountID(i), EventType: toolkit.ActivityLastLogin,
		HappenedAt: at.Format(time.RFC3339)}, true
}

// lastLogin is account i's last login, in the 90 days before epoch;
// pending accounts never logged in.
func lastLogin(i int64) (time.Time, bool) {
	if status(i) == toolkit.AccountStatusPending {
		return time.Time{}, false
	}
	return epoch.Add(-time.Duration(i*7919%(90*24*3600)) * time.Second), true
}

var customAttributes = []toolkit.CustomAttributeSchema{
	{CustomizedType: toolkit.CustomizedAccount, Name: "department", AttributeType: toolkit.CustomAttributeString,
		Description: toolkit.Ptr("The department the account holder works in.")},
	{CustomizedType: toolkit.CustomizedAccount, Name: "manager", AttributeType: toolkit.CustomAttributeUser,
		Description: toolkit.Ptr("The account id of the account holder's manager.")},
	{CustomizedType: toolkit.CustomizedEntitlement, Name: "cost_center", AttributeType: toolkit.CustomAttributeString,
		Description: toolkit.Ptr("The cost center billed for the entitlement.")},
}
