package mock

import (
	"context"
	"strconv"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// changeWindow is how far back the tenant's change log goes: account i of
// n was last changed ⌊i·W/n⌋ whole seconds after epoch − changeWindow (W
// the window in seconds), spread over the 30 days before epoch in id
// order, so the accounts changed after any time are a suffix of the tenant.
const changeWindow = 30 * 24 * time.Hour

const changeWindowSeconds = int64(changeWindow / time.Second)

// firstChangedAfter returns the first account changed after since; every
// later account changed after it too.
func (t tenant) firstChangedAfter(since time.Time) int64 {
	start := epoch.Add(-changeWindow)
	if t.size == 0 || since.Before(start) {
		return 0
	}
	// account i changed after since ⇔ ⌊i·W/n⌋ ≥ s+1, s the whole seconds since start ⇔ i ≥ ⌈(s+1)·n/W⌉.
	s := int64(since.Sub(start) / time.Second)
	if s+1 >= changeWindowSeconds {
		return t.size
	}
	return min(t.size, ((s+1)*t.size+changeWindowSeconds-1)/changeWindowSeconds)
}

// syncCursor is the state of a list_updated_accounts cursor: the time up to
// which every change has been reported, in Unix seconds.
type syncCursor struct {
	T int64 `json:"t"`
}

const cursorScope = "mock/list_updated_accounts#cursor"

// listUpdatedAccounts lists the accounts changed after the cursor's time,
// else after since, else all of them, in id order (which is change order);
// an empty cursor counts as none.
// The listing is paged with the envelope's page; its last page carries the
// cursor to send on the next sync (the earlier pages carry none). The tenant
// is frozen at epoch, so a sync from that cursor finds nothing new. A cursor
// the mock did not issue is invalid_page_token.
func listUpdatedAccounts(_ context.Context, req toolkit.ListUpdatedAccountsRequest) (toolkit.ListUpdatedAccountsResponse, error) {
	p := req.Request
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ListUpdatedAccountsResponse{}, err
	}
	from := int64(0)
	switch {
	case p.Cursor != nil && *p.Cursor != "":
		var c syncCursor
		if err := pagetoken.Decode(cursorScope, *p.Cursor, &c); err != nil {
			return toolkit.ListUpdatedAccountsResponse{}, errs.New(errs.InvalidPageToken,
				"Invalid cursor: it is not a cursor list_updated_accounts issued. Sync again from since.")
		}
		from = t.firstChangedAfter(time.Unix(c.T, 0))
	case p.Since != nil:
		from = t.firstChangedAfter(*p.Since)
	}
	// The pages of one listing share its start: a token is good only with
	// the since or cursor it was issued for.
	start, end, next, err := windowIn(scopeOf(toolkit.CapListUpdatedAccounts.Name())+"/from-"+itoa(from), req.Page, t.size-from)
	if err != nil {
		return toolkit.ListUpdatedAccountsResponse{}, err
	}
	out := toolkit.UpdatedAccounts{Accounts: t.accounts(from+start, from+end, p.CustomAttributes)}
	if next == nil {
		c, err := pagetoken.Encode(cursorScope, syncCursor{T: epoch.Unix()})
		if err != nil {
			return toolkit.ListUpdatedAccountsResponse{}, err
		}
		out.Cursor = &c
	}
	return toolkit.ListUpdatedAccountsResponse{Response: out, Page: next}, nil
}

// recency is when the data behind each capability was last refreshed,
// relative to the tenant's epoch; the schema of custom attributes has no
// refresh time (null). The capabilities left out have no data to date.
var recency = map[toolkit.CapabilityName]time.Duration{
	toolkit.CapListAccounts.Name():                            0,
	toolkit.CapGetAccount.Name():                              0,
	toolkit.CapListUpdatedAccounts.Name():                     0,
	toolkit.CapListResources.Name():                           time.Hour,
	toolkit.CapListEntitlements.Name():                        time.Hour,
	toolkit.CapFindEntitlementAssociations.Name():             30 * time.Minute,
	toolkit.CapGetAccountEntitlementAssociations.Name():       30 * time.Minute,
	toolkit.CapGetLastActivity.Name():                         15 * time.Minute,
	toolkit.CapListActivityRecords.Name():                     15 * time.Minute,
	toolkit.CapListExpenses.Name():                            24 * time.Hour,
	toolkit.CapListApplications.Name():                        2 * time.Hour,
	toolkit.CapGetApplication.Name():                          2 * time.Hour,
	toolkit.CapListApplicationsAccounts.Name():                2 * time.Hour,
	toolkit.CapGetApplicationAccount.Name():                   2 * time.Hour,
	toolkit.CapListApplicationsResources.Name():               2 * time.Hour,
	toolkit.CapListApplicationsEntitlements.Name():            2 * time.Hour,
	toolkit.CapListApplicationsEntitlementAssociations.Name(): 2 * time.Hour,
	toolkit.CapListApplicationsActivityRecords.Name():         15 * time.Minute,
}

// getDataRecency reports the fixed refresh times of recency.
func getDataRecency(_ context.Context, req toolkit.GetDataRecencyRequest) (toolkit.GetDataRecencyResponse, error) {
	if _, err := tenantOf(req.Settings); err != nil {
		return toolkit.GetDataRecencyResponse{}, err
	}
	data := make(map[string]*time.Time, len(recency)+1)
	for c, ago := range recency {
		data[string(c)] = toolkit.Ptr(epoch.Add(-ago))
	}
	data[string(toolkit.CapListCustomAttributesSchema.Name())] = nil
	return toolkit.GetDataRecencyResponse{Response: toolkit.DataRecency{Data: data}}, nil
}

// Login history. Account i signs in once a day: last at lastActivity(i)
// (what get_last_activity reports) and every 24 hours before that, back to
// activityWindow before epoch. It signs in to its application (see
// applications.go) appSignInBefore each of those. PENDING accounts never
// signed in.
const (
	activityWindow  = 90 * 24 * time.Hour
	day             = 24 * time.Hour
	appSignInBefore = 12 * time.Hour
)

// logins are an account's sign-ins in a period: count of them, a day apart,
// the oldest at first.
type logins struct {
	first time.Time
	count int64
}

// loginsSince returns account i's sign-ins at or after since, taken before
// earlier than its tenant sign-ins (0 for the tenant's, appSignInBefore for
// its application's).
func (t tenant) loginsSince(i int64, since time.Time, before time.Duration) logins {
	at, ok := lastLogin(i)
	if !ok {
		return logins{}
	}
	at = at.Add(-before)
	lower := epoch.Add(-activityWindow)
	if since.After(lower) {
		lower = since
	}
	if at.Before(lower) {
		return logins{}
	}
	n := int64(at.Sub(lower)/day) + 1
	return logins{first: at.Add(-time.Duration(n-1) * day), count: n}
}

func (l logins) at(k int64) time.Time { return l.first.Add(time.Duration(k) * day) }

// parseTime reads an ISO 8601 date or time: RFC 3339, with or without
// fractions, a time without zone (UTC) or a bare date (midnight UTC).
func parseTime(field, s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if v, err := time.Parse(layout, s); err == nil {
			return v, nil
		}
	}
	return time.Time{}, errs.Newf(errs.BadRequest, "Invalid %s '%s': use an ISO 8601 date or time such as 2025-12-01 or 2025-12-01T00:00:00Z", field, s)
}

// actorLogins resolves the actors of an activity listing: the sign-ins of
// each tenant account among them, once per account in the order given.
// Unknown accounts are skipped, as get_last_activity does.
type actorLogins struct {
	accounts []int64
	logins   []logins
	total    int64
}

func (t tenant) actorLogins(actors []toolkit.ActivityRecordActor, since time.Time, before time.Duration) actorLogins {
	var out actorLogins
	seen := map[int64]bool{}
	for _, a := range actors {
		i, ok := t.accountIndex(a.AccountID)
		if !ok || seen[i] {
			continue
		}
		seen[i] = true
		l := t.loginsSince(i, since, before)
		if l.count == 0 {
			continue
		}
		out.accounts = append(out.accounts, i)
		out.logins = append(out.logins, l)
		out.total += l.count
	}
	return out
}

// each calls f for every sign-in in [start, end) of the listing.
func (al actorLogins) each(start, end int64, f func(i int64, at time.Time)) {
	pos := int64(0)
	for k, l := range al.logins {
		if pos+l.count <= start {
			pos += l.count
			continue
		}
		for j := max(0, start-pos); j < l.count && pos+j < end; j++ {
			f(al.accounts[k], l.at(j))
		}
		pos += l.count
		if pos >= end {
			return
		}
	}
}

// signInMetadata is the client of a sign-in.
func signInMetadata(i int64) map[string]string {
	return map[string]string{
		"ip_address": "10." + itoa(i>>16&255) + "." + itoa(i>>8&255) + "." + itoa(i&255),
		"user_agent": userAgents[i%int64(len(userAgents))],
	}
}

var userAgents = [...]string{"MockBrowser/1.0 (Linux)", "MockBrowser/1.0 (macOS)", "MockBrowser/1.0 (Windows)", "MockMobile/2.3 (iOS)"}

// listActivityRecords lists the sign-ins (ACCOUNT_LOGIN) of the actors at
// or after since_date, actor by actor in the order given and oldest first,
// paged. Unknown actors are skipped; a bad since_date is bad_request.
func listActivityRecords(_ context.Context, req toolkit.ListActivityRecordsRequest) (toolkit.ListActivityRecordsResponse, error) {
	p := req.Request
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ListActivityRecordsResponse{}, err
	}
	since, err := parseTime("since_date", p.SinceDate)
	if err != nil {
		return toolkit.ListActivityRecordsResponse{}, err
	}
	scope, err := boundScope(toolkit.CapListActivityRecords.Name(), p)
	if err != nil {
		return toolkit.ListActivityRecordsResponse{}, err
	}
	al := t.actorLogins(p.Actors, since, 0)
	start, end, next, err := windowIn(scope, req.Page, al.total)
	if err != nil {
		return toolkit.ListActivityRecordsResponse{}, err
	}
	out := make([]toolkit.ActivityRecord, 0, end-start)
	al.each(start, end, func(i int64, at time.Time) {
		id := accountID(i)
		out = append(out, toolkit.ActivityRecord{
			ID:           "login-" + itoa(i) + "-" + strconv.FormatInt(at.Unix(), 10),
			ActivityType: toolkit.ActivityRecordActivityType(toolkit.ActivityTypeAccountLogin),
			Timestamp:    at.Format(time.RFC3339),
			Actor:        toolkit.ActivityRecordActor{AccountID: id},
			Targets:      []toolkit.ActivityRecordTarget{{AccountID: &id}},
			Metadata:     signInMetadata(i),
		})
	})
	return toolkit.ListActivityRecordsResponse{Response: out, Page: next}, nil
}
