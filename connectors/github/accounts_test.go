package github

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/lumosgo/lumos/toolkit"
)

func pad(i int) string { return fmt.Sprintf("%05d", i) }

// smallOrg seeds: owners boss and alice; members carol, dave and a bot;
// a billing manager; outside collaborator olivia (push on api); invitations
// for newbie (login, admin) and x@example.com (email).
type smallOrg struct {
	alice, carol, dave, bot, billing, olivia, newbie int64
	invLogin, invEmail                               int64
}

func seedSmallOrg(e *env) smallOrg {
	var s smallOrg
	s.alice = e.member("alice", "admin")
	s.carol = e.member("carol", "member")
	s.dave = e.member("dave", "member")
	e.f.AddUser(githubfake.User{Login: "deploy-bot", Type: "Bot"})
	s.bot = e.member("deploy-bot", "member")
	s.billing = e.member("penny", "billing_manager")
	e.f.AddRepo(org, githubfake.Repo{Name: "api", Private: true})
	e.f.AddRepo(org, githubfake.Repo{Name: "web"})
	s.olivia = e.outside("olivia", "api", "push")
	s.newbie = e.user("newbie")
	e.f.AddTeam(org, "Backend", "")
	s.invLogin = e.f.AddInvitation(org, githubfake.Invitation{Login: "newbie", Role: "admin", Teams: []string{"backend"}})
	s.invEmail = e.f.AddInvitation(org, githubfake.Invitation{Email: "x@example.com"})
	return s
}

func byID(accounts []toolkit.FoundAccountData) map[string]toolkit.FoundAccountData {
	m := map[string]toolkit.FoundAccountData{}
	for _, a := range accounts {
		m[a.IntegrationSpecificID] = a
	}
	return m
}

func TestListAccounts(t *testing.T) {
	e := newEnv(t, envOptions{})
	s := seedSmallOrg(e)
	e.f.AddToken("ghp_carol", "carol", "read:org")
	boss := e.f.UserID(ownerLogin)

	tests := []struct {
		name     string
		settings map[string]any
		creds    any
		want     []string // account ids, in order
		code     string
	}{
		{name: "everything", want: []string{id(boss), id(s.alice), id(s.carol), id(s.dave), id(s.bot), id(s.olivia),
			"invitation:" + id(s.invLogin), "invitation:" + id(s.invEmail)}},
		{name: "without outside collaborators", settings: map[string]any{"include_outside_collaborators": false},
			want: []string{id(boss), id(s.alice), id(s.carol), id(s.dave), id(s.bot), "invitation:" + id(s.invLogin), "invitation:" + id(s.invEmail)}},
		{name: "without invitations", settings: map[string]any{"include_pending_invitations": false},
			want: []string{id(boss), id(s.alice), id(s.carol), id(s.dave), id(s.bot), id(s.olivia)}},
		{name: "member's token, without invitations", creds: tokenCreds("ghp_carol"), settings: map[string]any{"include_pending_invitations": false},
			want: []string{id(boss), id(s.alice), id(s.carol), id(s.dave), id(s.bot), id(s.olivia)}},
		{name: "member's token cannot see invitations", creds: tokenCreds("ghp_carol"), code: "permission_denied"},
		{name: "unknown org", settings: map[string]any{"org": "ghost"}, code: "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := newIs(t)
			c := call{settings: tc.settings, creds: tc.creds}
			if tc.code != "" {
				e.fail("list_accounts", map[string]any{}, c, tc.code)
				return
			}
			got := decode[[]toolkit.FoundAccountData](t, e.ok("list_accounts", map[string]any{}, c).Response)
			var ids []string
			for _, a := range got {
				ids = append(ids, a.IntegrationSpecificID)
			}
			is.Equal(ids, tc.want)
		})
	}

	t.Run("fields", func(t *testing.T) {
		is := newIs(t)
		m := byID(decode[[]toolkit.FoundAccountData](t, e.ok("list_accounts", map[string]any{}, call{}).Response))
		alice := m[id(s.alice)]
		is.Equal(*alice.Username, "alice")
		is.Equal(*alice.UserStatus, toolkit.AccountStatusActive)
		is.Equal(*alice.AccountType, toolkit.AccountTypeUser)
		is.Equal(alice.ExtraData["org_role"], "owner")
		is.Equal(alice.ExtraData["membership"], "member")
		is.Equal(m[id(s.carol)].ExtraData["org_role"], "member")
		is.Equal(*m[id(s.bot)].AccountType, toolkit.AccountTypeService)
		is.Equal(m[id(s.olivia)].ExtraData["membership"], "outside_collaborator")
		is.Equal(m[id(s.olivia)].ExtraData["org_role"], nil)
		inv := m["invitation:"+id(s.invLogin)]
		is.Equal(*inv.UserStatus, toolkit.AccountStatusPending)
		is.Equal(*inv.Username, "newbie")
		is.Equal(inv.ExtraData["org_role"], "admin")
		is.Equal(inv.ExtraData["team_count"], float64(1))
		mail := m["invitation:"+id(s.invEmail)]
		is.Equal(*mail.Email, "x@example.com")
		is.True(mail.Username == nil)
		_, billing := m[id(s.billing)]
		is.True(!billing) // GitHub lists no billing managers
	})

	t.Run("raw data", func(t *testing.T) {
		is := newIs(t)
		env := e.ok("list_accounts", map[string]any{}, call{raw: true})
		is.True(strings.Contains(string(env.RawData), `"login":"olivia"`))
	})
}

func TestListAccountsPageTokens(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.member("m1", "member")
	e.f.AddOrg("other")
	e.f.AddMember("other", ownerLogin, "admin")
	first := e.ok("list_accounts", map[string]any{}, call{page: &toolkit.Page{Size: 1}})
	if first.Page == nil {
		t.Fatal("want a next page")
	}
	tests := []struct {
		name  string
		page  *toolkit.Page
		other bool
	}{
		{name: "garbled", page: &toolkit.Page{Token: "not-a-token", Size: 1}},
		{name: "altered", page: &toolkit.Page{Token: altered(first.Page.Token), Size: 1}},
		{name: "another organization", page: first.Page, other: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := call{page: tc.page}
			if tc.other {
				c.settings = map[string]any{"org": "other"}
			}
			e.fail("list_accounts", map[string]any{}, c, "invalid_page_token")
			e.fail("find_entitlement_associations", map[string]any{}, c, "invalid_page_token")
		})
	}
}

// altered changes one character in the middle of token to another one, so
// the token differs from the one issued whatever its bytes.
func altered(token string) string {
	i := len(token) / 2
	c := byte('A')
	if token[i] == 'A' {
		c = 'B'
	}
	return token[:i] + string(c) + token[i+1:]
}

// TestListAccountsRequestCounts: a Lumos page is made of whole GitHub pages
// of min(size, 100), so no page is fetched twice and listing costs one
// request per 100 accounts (plus one per phase).
func TestListAccountsRequestCounts(t *testing.T) {
	e := newEnv(t, envOptions{linkByID: true})
	const members = 349
	for i := range members {
		e.member("dev"+pad(i), "member")
	}
	ceil := func(a, b int) int { return (a + b - 1) / b }
	for _, size := range []int{1, 7, 100, 250, 1000, 100000} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			is := newIs(t)
			e.resetCounts()
			accounts, calls := drain[toolkit.FoundAccountData](e, "list_accounts", map[string]any{}, call{}, size)
			is.Equal(len(accounts), members+1)
			is.Equal(len(byID(accounts)), members+1) // no duplicates
			pp := min(size, 100)
			// No page is fetched twice, and every page is as large as the
			// Lumos page allows (at least half a page when a phase starts
			// after a short one).
			seen := map[string]bool{}
			for _, c := range e.f.Calls() {
				key := c.Path + "?" + c.Query.Encode()
				is.True(!seen[key])
				seen[key] = true
				n, _ := strconv.Atoi(c.Query.Get("per_page"))
				is.True(n <= pp && n >= (pp+1)/2)
			}
			// owners, members, then one (empty) page each of outside collaborators and invitations
			is.True(e.requestCount() <= ceil(1, pp)+ceil(members, (pp+1)/2)+2)
			if pp == 100 {
				is.True(e.requestCount() <= 1+ceil(members, 100)+2)
			}
			is.True(calls >= ceil(members+1, size))
			is.True(slices.IsSortedFunc(accounts[1:], func(a, b toolkit.FoundAccountData) int { return strings.Compare(*a.Username, *b.Username) }))
		})
	}
}

// TestDrainWithFaults drains a 2,500-member organization while the
// upstream fails: 502s, secondary rate limits (with and without
// Retry-After, 403 and 429) and the primary limit running out (a tiny
// hourly limit; the client waits on the fake's clock). Nothing may be lost
// or duplicated.
func TestDrainWithFaults(t *testing.T) {
	for _, size := range []int{250, 1000} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			is := newIs(t)
			t.Setenv(toolkit.EnvMaxCallDuration, "3h") // the call waits out an hour-long rate limit (on the fake clock)
			e := newEnv(t, envOptions{rateLimit: 12, maxWait: 2 * time.Hour})
			want := map[string]toolkit.AccountStatus{id(e.f.UserID(ownerLogin)): toolkit.AccountStatusActive}
			for i := range 2500 {
				role := "member"
				if i%250 == 0 {
					role = "admin"
				}
				want[id(e.member("dev"+pad(i), role))] = toolkit.AccountStatusActive
			}
			e.f.AddRepo(org, githubfake.Repo{Name: "api"})
			for i := range 40 {
				want[id(e.outside("ext"+pad(i), "api", "pull"))] = toolkit.AccountStatusActive
			}
			for i := range 25 {
				inv := githubfake.Invitation{Email: fmt.Sprintf("new%d@example.com", i)}
				if i%2 == 0 {
					e.user("invitee" + pad(i))
					inv = githubfake.Invitation{Login: "invitee" + pad(i)}
				}
				want["invitation:"+id(e.f.AddInvitation(org, inv))] = toolkit.AccountStatusPending
			}
			faults := map[int]string{}
			e.setInject(func(n int, r *http.Request) int {
				switch n {
				case 3, 4, 19: // 502 twice in a row, then once more
					faults[n] = "502"
					return http.StatusBadGateway
				case 7:
					faults[n] = "secondary 403 + Retry-After"
					e.f.SetSecondaryRateLimit(&githubfake.SecondaryRateLimit{Requests: 1, RetryAfter: 30 * time.Second})
				case 23:
					faults[n] = "secondary 429"
					e.f.SetSecondaryRateLimit(&githubfake.SecondaryRateLimit{Requests: 1, Status: http.StatusTooManyRequests})
				}
				return 0
			})
			accounts, _ := drain[toolkit.FoundAccountData](e, "list_accounts", map[string]any{}, call{}, size)
			got := map[string]toolkit.AccountStatus{}
			for _, a := range accounts {
				_, dup := got[a.IntegrationSpecificID]
				is.True(!dup) // nothing duplicated
				got[a.IntegrationSpecificID] = *a.UserStatus
			}
			is.Equal(len(accounts), len(want))
			is.Equal(got, want) // nothing lost
			is.Equal(len(faults), 5)
			// The client waited: backoff for the 502s, Retry-After, a minute
			// for the secondary limit without one, and the primary resets.
			var waits []time.Duration
			primary := 0
			for _, d := range e.sleeps {
				waits = append(waits, d)
				if d > 2*time.Minute {
					primary++
				}
			}
			is.True(slices.Contains(waits, 30*time.Second))
			is.True(slices.Contains(waits, time.Minute))
			is.True(primary >= 2) // 12 requests an hour: the limit ran out more than once
		})
	}
}

// TestRateLimitBeyondTheWaitCap: a primary limit that resets later than the
// client may wait is rate_limit; resuming later with the same page token
// loses nothing.
func TestRateLimitBeyondTheWaitCap(t *testing.T) {
	for _, st := range []int{http.StatusForbidden, http.StatusTooManyRequests} {
		t.Run(fmt.Sprint(st), func(t *testing.T) {
			is := newIs(t)
			e := newEnv(t, envOptions{})
			for i := range 230 {
				e.member("dev"+pad(i), "member")
			}
			first := e.ok("list_accounts", map[string]any{}, call{page: &toolkit.Page{Size: 200}})
			accounts := decode[[]toolkit.FoundAccountData](t, first.Response)
			e.f.SetPrimaryRateLimitExceeded(st)
			err := e.fail("list_accounts", map[string]any{}, call{page: first.Page}, "rate_limit", "Rate limited by the API", "API rate limit exceeded")
			is.True(err.StatusCode != nil && *err.StatusCode == st)
			e.f.ResetRateLimits()
			rest, _ := drain[toolkit.FoundAccountData](e, "list_accounts", map[string]any{}, call{page: first.Page}, 200)
			accounts = append(accounts, rest...)
			is.Equal(len(byID(accounts)), 231)
			is.Equal(len(accounts), 231)
		})
	}
}

func TestGetAccount(t *testing.T) {
	e := newEnv(t, envOptions{})
	s := seedSmallOrg(e)
	stranger := e.user("stranger")
	tests := []struct {
		name   string
		id     string
		login  string
		status toolkit.AccountStatus
		role   any
		code   string
		want   string
	}{
		{name: "owner", id: id(s.alice), login: "alice", status: toolkit.AccountStatusActive, role: "owner"},
		{name: "member", id: id(s.carol), login: "carol", status: toolkit.AccountStatusActive, role: "member"},
		{name: "billing manager", id: id(s.billing), login: "penny", status: toolkit.AccountStatusActive, role: "billing_manager"},
		{name: "outside collaborator", id: id(s.olivia), login: "olivia", status: toolkit.AccountStatusActive, role: nil},
		{name: "invitation by login", id: "invitation:" + id(s.invLogin), login: "newbie", status: toolkit.AccountStatusPending, role: "admin"},
		{name: "invitation by email", id: "invitation:" + id(s.invEmail), status: toolkit.AccountStatusPending, role: "direct_member"},
		{name: "invited user by user id", id: id(s.newbie), code: "not_found", want: "pending invitation"},
		{name: "not in the organization", id: id(stranger), code: "not_found", want: "stranger"},
		{name: "no such user", id: "987654321", code: "not_found", want: "987654321"},
		{name: "no such invitation", id: "invitation:31337", code: "not_found", want: "31337"},
		{name: "a login is not an id", id: "carol", code: "not_found", want: "numeric"},
		{name: "leading zero", id: "0" + id(s.carol), code: "not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := newIs(t)
			req := map[string]any{"account_id": tc.id}
			if tc.code != "" {
				e.fail("get_account", req, call{}, tc.code, tc.want)
				return
			}
			a := decode[toolkit.FoundAccountData](t, e.ok("get_account", req, call{}).Response)
			is.Equal(a.IntegrationSpecificID, tc.id)
			is.Equal(*a.UserStatus, tc.status)
			if tc.login != "" {
				is.Equal(*a.Username, tc.login)
			}
			is.Equal(a.ExtraData["org_role"], tc.role)
		})
	}
}

// TestRenameSurvival: account ids are GitHub's user ids, so a login rename
// keeps the id; reads report the new login and writes still find the user.
func TestRenameSurvival(t *testing.T) {
	is := newIs(t)
	e := newEnv(t, envOptions{})
	e.f.AddTeam(org, "Platform", "")
	e.f.AddRepo(org, githubfake.Repo{Name: "infra", Private: true})
	carol := e.member("carol", "member")
	e.f.AddTeamMember(org, "platform", "carol", "member")
	before := byID(decode[[]toolkit.FoundAccountData](t, e.ok("list_accounts", map[string]any{}, call{}).Response))
	is.Equal(*before[id(carol)].Username, "carol")

	e.rename("carol", "caroline")

	after := byID(decode[[]toolkit.FoundAccountData](t, e.ok("list_accounts", map[string]any{}, call{}).Response))
	is.Equal(len(after), len(before))
	is.Equal(*after[id(carol)].Username, "caroline")
	got := decode[toolkit.FoundAccountData](t, e.ok("get_account", map[string]any{"account_id": id(carol)}, call{}).Response)
	is.Equal(*got.Username, "caroline")
	assocs := decode[[]toolkit.FoundEntitlementAssociation](t, e.ok("get_account_entitlement_associations", map[string]any{"account_id": id(carol)}, call{}).Response)
	is.Equal(assocs, []toolkit.FoundEntitlementAssociation{
		{AccountID: id(carol), IntegrationSpecificEntitlementID: "member", IntegrationSpecificResourceID: ""},
		{AccountID: id(carol), IntegrationSpecificEntitlementID: "member", IntegrationSpecificResourceID: "team:platform"},
	})
	env := e.ok("assign_entitlement", assignReq(carol, EntitlementTypeRepoPermission, "repo:infra", "maintain"), call{})
	is.Equal(effectOf(t, env), toolkit.EffectUpdated) // from the base permission read
	env = e.ok("unassign_entitlement", assignReq(carol, EntitlementTypeTeamRole, "team:platform", "member"), call{})
	is.Equal(effectOf(t, env), toolkit.EffectDeleted)
	env = e.ok("delete_account", map[string]any{"account_id": id(carol)}, call{})
	is.Equal(effectOf(t, env), toolkit.EffectDeleted)
	_, still := e.f.Members(org)["caroline"]
	is.True(!still)
}

// page.size is a hint: any integer is served, never refused.
func TestPageSizeHint(t *testing.T) {
	e := newEnv(t, envOptions{})
	for i := range 150 {
		e.member("dev"+pad(i), "member")
	}
	tests := []struct {
		size     int
		wantLen  int
		wantNext int // the size the next page announces; 0 for none
	}{
		{1 << 31, 151, 0}, // the owner and 150 members, in one page
		{-5, DefaultPageSize, DefaultPageSize},
		{0, DefaultPageSize, DefaultPageSize},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.size), func(t *testing.T) {
			is := newIs(t)
			got := e.ok("list_accounts", map[string]any{}, call{page: &toolkit.Page{Size: tt.size}})
			is.Equal(len(decode[[]toolkit.FoundAccountData](t, got.Response)), tt.wantLen)
			if tt.wantNext == 0 {
				is.Equal(got.Page, nil)
				return
			}
			is.Equal(got.Page.Size, tt.wantNext)
		})
	}
}
