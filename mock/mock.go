// Package mock is the built-in mock connector, app id "mock": a
// deterministic synthetic tenant behind every standard capability, used to
// try lumos without a real system and as the reference every conformance
// test runs against. Any page of a tenant of millions of accounts is
// generated in time and memory proportional to the page.
//
// The mock is stateless. Writes are answered as if applied to the tenant
// the reads describe, and nothing persists: a write whose target state
// already holds is a noop, unknown ids are not_found (see writes.go and
// applications.go). The OAuth capabilities only imitate the flow, offline
// (see oauth.go).
package mock

import (
	"sync"

	"github.com/lumosgo/lumos/toolkit"
)

// Version is the mock connector's version.
const Version = "1.0.0"

// TenantID is the tenant id validate_credentials reports.
const TenantID = "mock-connector-tenant-id"

// MaxTenantSize is the largest tenant_size the mock accepts.
const MaxTenantSize = 1_000_000_000

// Settings are the mock connector's settings.
type Settings struct {
	Host       string `json:"host" required:"true" description:"Host name of the mock service; any non-empty name works, nothing is contacted."`
	TenantSize int64  `json:"tenant_size" default:"100" minimum:"0" maximum:"1000000000" description:"Number of accounts in the synthetic tenant."`
}

// Integration returns the mock connector, built on first use and registered under the app id "mock".
var Integration = sync.OnceValue(build)

func init() { toolkit.RegisterLazy("mock", Integration) }

// build declares the connector and attaches its capabilities.
func build() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{
		AppID:    "mock",
		Version:  Version,
		Auth:     toolkit.AuthBasic,
		Settings: Settings{},
		// page.size is a hint: the toolkit serves larger sizes at this one.
		MaxPageSize: MaxPageSize,
		Description: toolkit.DescriptionData{
			LogoURL:          "https://lumos.com/favicon.ico",
			UserFriendlyName: "Mock",
			Description:      "A synthetic tenant for trying lumos and testing the platform; it contacts nothing.",
			Categories:       []toolkit.AppCategory{toolkit.CategoryDevelopers},
			AppVendorDomain:  "lumos.com",
		},
		ResourceTypes: []toolkit.ResourceType{
			{TypeID: ResourceTypeTenant, TypeLabel: "Tenant"},
			{TypeID: ResourceTypeTeam, TypeLabel: "Team"},
		},
		EntitlementTypes: []toolkit.EntitlementType{
			{TypeID: EntitlementTypeRole, TypeLabel: "Tenant role", ResourceTypeID: "", Min: 1, Max: toolkit.Ptr(1)},
			{TypeID: EntitlementTypeTeamMember, TypeLabel: "Team member", ResourceTypeID: ResourceTypeTeam, Min: 0},
			{TypeID: EntitlementTypeTeamMaintainer, TypeLabel: "Team maintainer", ResourceTypeID: ResourceTypeTeam, Min: 0},
		},
	})

	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials)
	toolkit.Handle(in, toolkit.CapListAccounts, listAccounts)
	toolkit.Handle(in, toolkit.CapGetAccount, getAccount)
	toolkit.Handle(in, toolkit.CapListResources, listResources)
	toolkit.Handle(in, toolkit.CapListEntitlements, listEntitlements)
	toolkit.Handle(in, toolkit.CapFindEntitlementAssociations, findEntitlementAssociations)
	toolkit.Handle(in, toolkit.CapGetAccountEntitlementAssociations, getAccountEntitlementAssociations)
	toolkit.Handle(in, toolkit.CapGetLastActivity, getLastActivity)
	toolkit.Handle(in, toolkit.CapListCustomAttributesSchema, listCustomAttributesSchema)

	// Delta and extra reads.
	toolkit.Handle(in, toolkit.CapListUpdatedAccounts, listUpdatedAccounts, toolkit.WithDescription(
		"List the accounts changed after the cursor's time, else since, else all, paged.\n"+
			"Account changes are spread over the 30 days before 2026-01-01 in id order. "+
			"The last page carries the cursor for the next sync; a cursor the mock did not issue is invalid_page_token."))
	toolkit.Handle(in, toolkit.CapGetDataRecency, getDataRecency)
	toolkit.Handle(in, toolkit.CapListActivityRecords, listActivityRecords, toolkit.WithDescription(
		"List the actors' daily sign-ins at or after since_date, paged.\n"+
			"Oldest first, actor by actor in the order given; unknown actors are skipped."))
	toolkit.Handle(in, toolkit.CapListExpenses, listExpenses, toolkit.WithDescription(
		"List the 2025 expense stream, filtered by transaction_date, paged.\n"+
			"One expense a day per 20 accounts; the date range includes both ends."))

	// Writes: answered as if applied to the tenant; nothing persists.
	toolkit.HandleExtended(in, toolkit.CapCreateAccount, createAccount, toolkit.WithDescription(
		"Create an account (nothing persists): a new id derived from the email, else the username.\n"+
			"An email or username of an existing account is a noop when every field given matches it, "+
			"else invalid_value (account_exists). Listed entitlements must exist (not_found)."))
	toolkit.HandleExtended(in, toolkit.CapUpdateAccount, updateAccount, toolkit.WithDescription(
		"Change an account's email, username or names (nothing persists).\n"+
			"A noop when every field given already has its value; another account's email or username is invalid_value."))
	toolkit.Handle(in, toolkit.CapActivateAccount, activateAccount, toolkit.WithDescription(
		"Turn an account on (nothing persists): a noop when ACTIVE, invalid_value when DELETED."))
	toolkit.Handle(in, toolkit.CapDeactivateAccount, deactivateAccount, toolkit.WithDescription(
		"Turn an account off (nothing persists): a noop when INACTIVE, SUSPENDED, DEPROVISIONED or DELETED."))
	toolkit.Handle(in, toolkit.CapDeleteAccount, deleteAccount, toolkit.WithDescription(
		"Remove an account (nothing persists): a noop when DELETED."))
	toolkit.HandleEntitlementChanges(in, changeEntitlement,
		[]toolkit.CapabilityOption{toolkit.WithDescription(
			"Grant an entitlement (nothing persists): a noop when the account holds it.\n" +
				"An unknown account, resource or entitlement, or a mismatched type, is not_found.")},
		[]toolkit.CapabilityOption{toolkit.WithDescription(
			"Revoke an entitlement (nothing persists): a noop when the account does not hold it.\n" +
				"An unknown account, resource or entitlement, or a mismatched type, is not_found.")})
	toolkit.Handle(in, toolkit.CapTransferData, transferData, toolkit.WithDescription(
		"Move one account's data to another (nothing persists).\n"+
			"A noop for the same account or a PENDING source (no data); a DELETED target is invalid_value."))
	toolkit.Handle(in, toolkit.CapReleaseResources, releaseResources, toolkit.WithDescription(
		"Free an account's seat and storage (nothing persists): a noop when DELETED or DEPROVISIONED."))
	toolkit.Handle(in, toolkit.CapDowngradeLicense, downgradeLicense, toolkit.WithDescription(
		"Move an account to the basic license (nothing persists).\n"+
			"Admins and billing managers hold the full license; members, DELETED and DEPROVISIONED accounts are a noop."))

	// Applications.
	toolkit.Handle(in, toolkit.CapListApplications, listApplications)
	toolkit.Handle(in, toolkit.CapGetApplication, getApplication)
	toolkit.Handle(in, toolkit.CapListApplicationsAccounts, listApplicationsAccounts)
	toolkit.Handle(in, toolkit.CapGetApplicationAccount, getApplicationAccount)
	toolkit.Handle(in, toolkit.CapListApplicationsResources, listApplicationsResources)
	toolkit.Handle(in, toolkit.CapListApplicationsEntitlements, listApplicationsEntitlements)
	toolkit.Handle(in, toolkit.CapListApplicationsEntitlementAssociations, listApplicationsEntitlementAssociations)
	toolkit.Handle(in, toolkit.CapListApplicationsActivityRecords, listApplicationsActivityRecords)
	toolkit.Handle(in, toolkit.CapAssignApplication, assignApplication, toolkit.WithDescription(
		"Give an account access to an application (nothing persists): a noop for the account's own application."))
	toolkit.Handle(in, toolkit.CapUnassignApplication, unassignApplication, toolkit.WithDescription(
		"Take an account's access to an application away (nothing persists): a noop for another application."))
	toolkit.Handle(in, toolkit.CapAssignApplicationEntitlement, assignApplicationEntitlement, toolkit.WithDescription(
		"Grant a role inside an application (nothing persists): a noop for the role the account holds.\n"+
			"The account must have access to the application, else not_found."))
	toolkit.Handle(in, toolkit.CapUnassignApplicationEntitlement, unassignApplicationEntitlement, toolkit.WithDescription(
		"Revoke a role inside an application (nothing persists): a noop for a role the account does not hold."))

	// OAuth: imitated offline; nothing is contacted.
	const imitated = "\nThe mock has no OAuth server: it imitates the flow offline with deterministic tokens."
	toolkit.Handle(in, toolkit.CapGetAuthorizationURL, getAuthorizationURL, toolkit.WithDescription(
		"Build https://<host>/oauth/authorize with client_id, response_type, scope, redirect_uri and state."+imitated))
	toolkit.Handle(in, toolkit.CapHandleAuthorizationCallback, handleAuthorizationCallback, toolkit.WithDescription(
		"Trade the redirect's code for tokens derived from the client id and the code."+imitated))
	toolkit.Handle(in, toolkit.CapHandleClientCredentialsRequest, handleClientCredentialsRequest, toolkit.WithDescription(
		"Grant an access token derived from the client id and the scopes."+imitated))
	toolkit.Handle(in, toolkit.CapRefreshAccessToken, refreshAccessToken, toolkit.WithDescription(
		"Trade a refresh token for new tokens derived from it."+imitated))

	// Validation.
	toolkit.Handle(in, toolkit.CapValidateCredentialConfig, validateCredentialConfig, toolkit.WithDescription(
		"Check a credential: valid when it is basic with a non-empty username and password."))
	return in
}
