package mock

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// The applications of the synthetic tenant, for the application family of
// capabilities. Like the rest of the tenant they are pure functions of the
// tenant size:
//
//   - there is one application per 100 accounts, at least 3, with id
//     "app-<k>"; every 7th is INACTIVE, the sign-on modes cycle SAML, OIDC,
//     BOOKMARK, and every application takes both assignment modes;
//   - each application has one resource, itself (id "", type tenant), and
//     three roles on it (viewer, editor, owner), of the declared type role
//     (min 1, max 1: an account holds one role in each application it has
//     access to);
//   - account i has access to application i mod apps and holds one role in
//     it, so application account j and association j are account j's;
//   - account i signs in to its application 12 hours before each of its
//     tenant sign-ins (see delta.go).

const appIDPrefix = "app-"

func (t tenant) apps() int64 { return max(3, (t.size+99)/100) }

func appID(k int64) string { return appIDPrefix + strconv.FormatInt(k, 10) }

// appOf is the application account i has access to.
func (t tenant) appOf(i int64) int64 { return i % t.apps() }

var appKinds = [...]struct{ slug, label, about string }{
	{"wiki", "Wiki", "The company wiki."},
	{"chat", "Chat", "Team messaging."},
	{"tracker", "Tracker", "Issue tracking."},
	{"drive", "Drive", "File storage and sharing."},
	{"crm", "CRM", "Customer relationship management."},
	{"helpdesk", "Helpdesk", "Customer support tickets."},
	{"calendar", "Calendar", "Shared calendars."},
	{"payroll", "Payroll", "Salaries and payslips."},
}

var signOnModes = [...]toolkit.SignOnMode{toolkit.SignOnModeSAML, toolkit.SignOnModeOIDC, toolkit.SignOnModeBookmark}

var appRoles = [...]struct{ id, label string }{{"viewer", "Viewer"}, {"editor", "Editor"}, {"owner", "Owner"}}

func appLabel(k int64) string {
	return appKinds[k%int64(len(appKinds))].label + " " + strconv.FormatInt(k, 10)
}

func (t tenant) application(k int64, host string) toolkit.Application {
	kind := appKinds[k%int64(len(appKinds))]
	a := toolkit.Application{
		ID:              appID(k),
		Name:            kind.slug + "-" + strconv.FormatInt(k, 10) + ".apps.mock.example.com",
		DisplayName:     toolkit.Ptr(appLabel(k)),
		Description:     toolkit.Ptr(kind.about),
		Status:          toolkit.ApplicationStatusActive,
		Logo:            toolkit.Ptr("https://" + host + "/logos/" + kind.slug + ".png"),
		SignOnMode:      signOnModes[k%int64(len(signOnModes))],
		SSOLoginURL:     toolkit.Ptr("https://" + host + "/sso/" + appID(k)),
		AssignmentModes: []toolkit.AssignmentMode{toolkit.AssignmentModeAccount, toolkit.AssignmentModeEntitlement},
	}
	if k%7 == 6 {
		a.Status = toolkit.ApplicationStatusInactive
	}
	return a
}

// appRole is the role account i holds in its application.
func (t tenant) appRole(i int64) string {
	switch q := i / t.apps(); {
	case q%10 == 0:
		return "owner"
	case q%3 == 1:
		return "editor"
	}
	return "viewer"
}

func (t tenant) appResource(k int64) toolkit.ApplicationResourceData {
	return toolkit.ApplicationResourceData{ApplicationInstanceID: appID(k), IntegrationSpecificID: "", Label: appLabel(k),
		Description: toolkit.Ptr("All of " + appLabel(k) + "."), ResourceType: ResourceTypeTenant}
}

func (t tenant) appEntitlement(j int64, attrs []string) toolkit.ApplicationEntitlementData {
	k, r := j/int64(len(appRoles)), appRoles[j%int64(len(appRoles))]
	e := toolkit.ApplicationEntitlementData{ApplicationInstanceID: appID(k), EntitlementType: EntitlementTypeRole,
		IntegrationSpecificID: r.id, IntegrationSpecificResourceID: "", IsAssignable: toolkit.Ptr(true),
		Label: r.label + " of " + appLabel(k)}
	for _, a := range attrs {
		if a == "cost_center" {
			e.CustomAttributes = map[string]string{a: "CC-" + strconv.FormatInt(200+k%7, 10)}
		}
	}
	return e
}

func (t tenant) appAccount(i int64) toolkit.ApplicationAccount {
	return toolkit.ApplicationAccount{AccountID: accountID(i), ApplicationInstanceID: appID(t.appOf(i)), Status: status(i)}
}

func (t tenant) appAssociation(i int64) toolkit.ApplicationEntitlementAssociation {
	return toolkit.ApplicationEntitlementAssociation{ApplicationInstanceID: appID(t.appOf(i)), AccountID: accountID(i),
		IntegrationSpecificEntitlementID: t.appRole(i), IntegrationSpecificResourceID: ""}
}

// findApp returns the index of the application id, or not_found.
func (t tenant) findApp(id string) (int64, error) {
	k, ok := parseIndex(id, appIDPrefix, t.apps())
	if !ok {
		return 0, errs.Newf(errs.NotFound, "Application '%s' not found", id)
	}
	return k, nil
}

// findAppAccount finds the application and the account, or not_found naming which.
func (t tenant) findAppAccount(app, account string) (k, i int64, err error) {
	if k, err = t.findApp(app); err != nil {
		return 0, 0, err
	}
	if i, err = t.findAccount(account); err != nil {
		return 0, 0, err
	}
	return k, i, nil
}

// checkAppEntitlement checks that the role ref names (its type, resource
// and resource type included) exists in application app, else not_found
// naming what is missing.
func checkAppEntitlement(app string, ref toolkit.EntitlementRef) error {
	if ref.ResourceID != "" {
		return errs.Newf(errs.NotFound, "Resource '%s' not found in application '%s'", ref.ResourceID, app)
	}
	if ref.ResourceType != ResourceTypeTenant {
		return errs.Newf(errs.NotFound, "Resource '%s' of type '%s' not found in application '%s': it is of type '%s'", ref.ResourceID, ref.ResourceType, app, ResourceTypeTenant)
	}
	for _, r := range appRoles {
		if r.id != ref.EntitlementID {
			continue
		}
		if ref.EntitlementType != EntitlementTypeRole {
			return errs.Newf(errs.NotFound, "Entitlement '%s' of type '%s' not found in application '%s': it is of type '%s'", ref.EntitlementID, ref.EntitlementType, app, EntitlementTypeRole)
		}
		return nil
	}
	return errs.Newf(errs.NotFound, "Entitlement '%s' not found on resource '%s' in application '%s'", ref.EntitlementID, ref.ResourceID, app)
}

// appEntitlementTarget is the common prologue of the application
// entitlement writes: the tenant, the application's index k and the
// account's index i, once the application, the account and the role ref
// names are known to exist.
func appEntitlementTarget(settings json.RawMessage, app string, ref toolkit.EntitlementRef) (t tenant, k, i int64, err error) {
	if t, err = tenantOf(settings); err != nil {
		return t, 0, 0, err
	}
	if k, i, err = t.findAppAccount(app, ref.AccountID); err != nil {
		return t, 0, 0, err
	}
	return t, k, i, checkAppEntitlement(app, ref)
}

func listApplications(_ context.Context, req toolkit.ListApplicationsRequest) (toolkit.ListApplicationsResponse, error) {
	s, t, err := settingsOf(req.Settings)
	if err != nil {
		return toolkit.ListApplicationsResponse{}, err
	}
	return listOf(toolkit.CapListApplications.Name(), req.Page, t.apps(), func(k int64) toolkit.Application { return t.application(k, s.Host) })
}

// getApplication fetches an application; an unknown id is not_found.
func getApplication(_ context.Context, req toolkit.GetApplicationRequest) (toolkit.GetApplicationResponse, error) {
	s, t, err := settingsOf(req.Settings)
	if err != nil {
		return toolkit.GetApplicationResponse{}, err
	}
	k, err := t.findApp(req.Request.ApplicationInstanceID)
	if err != nil {
		return toolkit.GetApplicationResponse{}, err
	}
	return toolkit.GetApplicationResponse{Response: t.application(k, s.Host)}, nil
}

func listApplicationsAccounts(_ context.Context, req toolkit.ListApplicationsAccountsRequest) (toolkit.ListApplicationsAccountsResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ListApplicationsAccountsResponse{}, err
	}
	return listOf(toolkit.CapListApplicationsAccounts.Name(), req.Page, t.size, t.appAccount)
}

// getApplicationAccount fetches an account's access to an application: an
// unknown application or account, or an account without access to that
// application, is not_found.
func getApplicationAccount(_ context.Context, req toolkit.GetApplicationAccountRequest) (toolkit.GetApplicationAccountResponse, error) {
	p := req.Request
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.GetApplicationAccountResponse{}, err
	}
	k, i, err := t.findAppAccount(p.ApplicationInstanceID, p.AccountID)
	if err != nil {
		return toolkit.GetApplicationAccountResponse{}, err
	}
	if t.appOf(i) != k {
		return toolkit.GetApplicationAccountResponse{}, errs.Newf(errs.NotFound, "Account '%s' has no access to application '%s'", p.AccountID, p.ApplicationInstanceID)
	}
	return toolkit.GetApplicationAccountResponse{Response: t.appAccount(i)}, nil
}

func listApplicationsResources(_ context.Context, req toolkit.ListApplicationsResourcesRequest) (toolkit.ListApplicationsResourcesResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ListApplicationsResourcesResponse{}, err
	}
	return listOf(toolkit.CapListApplicationsResources.Name(), req.Page, t.apps(), t.appResource)
}

func listApplicationsEntitlements(_ context.Context, req toolkit.ListApplicationsEntitlementsRequest) (toolkit.ListApplicationsEntitlementsResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ListApplicationsEntitlementsResponse{}, err
	}
	attrs := req.Request.CustomAttributes
	return listOf(toolkit.CapListApplicationsEntitlements.Name(), req.Page, int64(len(appRoles))*t.apps(),
		func(j int64) toolkit.ApplicationEntitlementData { return t.appEntitlement(j, attrs) })
}

func listApplicationsEntitlementAssociations(_ context.Context, req toolkit.ListApplicationsEntitlementAssociationsRequest) (toolkit.ListApplicationsEntitlementAssociationsResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ListApplicationsEntitlementAssociationsResponse{}, err
	}
	return listOf(toolkit.CapListApplicationsEntitlementAssociations.Name(), req.Page, t.size, t.appAssociation)
}

// listApplicationsActivityRecords lists the actors' sign-ins to their
// application at or after since_date, as list_activity_records does.
func listApplicationsActivityRecords(_ context.Context, req toolkit.ListApplicationsActivityRecordsRequest) (toolkit.ListApplicationsActivityRecordsResponse, error) {
	p := req.Request
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ListApplicationsActivityRecordsResponse{}, err
	}
	since, err := parseTime("since_date", p.SinceDate)
	if err != nil {
		return toolkit.ListApplicationsActivityRecordsResponse{}, err
	}
	scope, err := boundScope(toolkit.CapListApplicationsActivityRecords.Name(), p)
	if err != nil {
		return toolkit.ListApplicationsActivityRecordsResponse{}, err
	}
	al := t.actorLogins(p.Actors, since, appSignInBefore)
	start, end, next, err := windowIn(scope, req.Page, al.total)
	if err != nil {
		return toolkit.ListApplicationsActivityRecordsResponse{}, err
	}
	out := make([]toolkit.ApplicationActivityRecord, 0, end-start)
	al.each(start, end, func(i int64, at time.Time) {
		id := accountID(i)
		out = append(out, toolkit.ApplicationActivityRecord{
			ApplicationInstanceID: appID(t.appOf(i)),
			ID:                    "app-login-" + itoa(i) + "-" + strconv.FormatInt(at.Unix(), 10),
			ActivityType:          toolkit.ActivityRecordActivityType(toolkit.ActivityTypeAccountLogin),
			Timestamp:             at.Format(time.RFC3339),
			Actor:                 toolkit.ActivityRecordActor{AccountID: id},
			Targets:               []toolkit.ActivityRecordTarget{{AccountID: &id}},
			Metadata:              signInMetadata(i),
		})
	})
	return toolkit.ListApplicationsActivityRecordsResponse{Response: out, Page: next}, nil
}

// assignApplication gives an account access to an application: an unknown
// application or account is not_found; the account's own application is a
// noop (assigned true, provisioned false); another one is created
// (assigned and provisioned true).
func assignApplication(_ context.Context, req toolkit.AssignApplicationRequest) (toolkit.AssignApplicationResponse, error) {
	p := req.Request
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.AssignApplicationResponse{}, err
	}
	k, i, err := t.findAppAccount(p.ApplicationInstanceID, p.AccountID)
	if err != nil {
		return toolkit.AssignApplicationResponse{}, err
	}
	if t.appOf(i) == k {
		return written(p, toolkit.AssignedApplication{Assigned: true, Provisioned: false}, toolkit.Noop())
	}
	return written(p, toolkit.AssignedApplication{Assigned: true, Provisioned: true}, toolkit.Created())
}

// unassignApplication takes an account's access away: an unknown
// application or account is not_found; an application the account has no
// access to is a noop (unassigned true, deprovisioned false); its own is
// deleted (unassigned and deprovisioned true). The status is DEPROVISIONED
// either way.
func unassignApplication(_ context.Context, req toolkit.UnassignApplicationRequest) (toolkit.UnassignApplicationResponse, error) {
	p := req.Request
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.UnassignApplicationResponse{}, err
	}
	k, i, err := t.findAppAccount(p.ApplicationInstanceID, p.AccountID)
	if err != nil {
		return toolkit.UnassignApplicationResponse{}, err
	}
	if t.appOf(i) != k {
		return written(p, toolkit.UnassignedApplication{Unassigned: true, Status: toolkit.AccountStatusDeprovisioned}, toolkit.Noop())
	}
	return written(p, toolkit.UnassignedApplication{Unassigned: true, Deprovisioned: true, Status: toolkit.AccountStatusDeprovisioned}, toolkit.Deleted())
}

// assignApplicationEntitlement grants a role inside an application. An
// unknown application, account, resource or role, or a resource or
// entitlement type that does not match, is not_found naming which; so is an
// account without access to the application (assign_application first).
// The role the account holds is a noop; another one is created.
func assignApplicationEntitlement(_ context.Context, req toolkit.AssignApplicationEntitlementRequest) (toolkit.AssignApplicationEntitlementResponse, error) {
	p := req.Request
	ref := p.Ref()
	t, k, i, err := appEntitlementTarget(req.Settings, p.ApplicationInstanceID, ref)
	if err != nil {
		return toolkit.AssignApplicationEntitlementResponse{}, err
	}
	if t.appOf(i) != k {
		return toolkit.AssignApplicationEntitlementResponse{}, errs.Newf(errs.NotFound,
			"Account '%s' has no access to application '%s'; assign_application first", ref.AccountID, p.ApplicationInstanceID)
	}
	held := t.appRole(i) == ref.EntitlementID
	return written(p, toolkit.AssignedApplicationEntitlement{Assigned: true}, effect(held, toolkit.Created()))
}

// unassignApplicationEntitlement revokes a role inside an application,
// with assign_application_entitlement's not_found rules, except that an
// account without access to the application holds nothing there: a noop,
// as is any role the account does not hold. The role it holds is deleted.
func unassignApplicationEntitlement(_ context.Context, req toolkit.UnassignApplicationEntitlementRequest) (toolkit.UnassignApplicationEntitlementResponse, error) {
	p := req.Request
	ref := p.Ref()
	t, k, i, err := appEntitlementTarget(req.Settings, p.ApplicationInstanceID, ref)
	if err != nil {
		return toolkit.UnassignApplicationEntitlementResponse{}, err
	}
	held := t.appOf(i) == k && t.appRole(i) == ref.EntitlementID
	return written(p, toolkit.UnassignedApplicationEntitlement{Unassigned: true}, effect(!held, toolkit.Deleted()))
}
