// Package okta is the Okta connector, app id "okta": one Okta organization
// is the tenant. Its users are the accounts; its groups, the standard admin
// roles, the custom admin roles on resource sets and (optionally) its
// applications' assignments are the entitlements.
//
// Identifiers (see README.md in this folder):
//
//   - accounts: the Okta user id (00u…);
//   - resources: "" (the organization) and "app:<app id>" (an application);
//   - entitlements: group_member with the group id (00g…) and admin_role
//     with the role type (SUPER_ADMIN, …) or, for a custom role on a
//     resource set, custom:<role id>:<resource set id>, on ""; and
//     app_assignment "assigned" on each application.
//
// Two credentials are declared; a request sends exactly one of them:
//
//	{"credentials":[{"id":"api_token","token":{"token":"00a…"}}], …}
//	{"credentials":[{"id":"service_app","key_pair":{"key_identifier":"0oa…","private_key":"-----BEGIN PRIVATE KEY-----…"}}], …}
//
// The first is sent as "Authorization: SSWS <token>"; the second is an
// OAuth 2.0 service app: each call mints an access token at the org's
// /oauth2/v1/token with a private-key JWT client assertion (RS256) and
// sends it as a bearer token or, for an app that requires DPoP (RFC 9449,
// the oauth_dpop setting), as a DPoP-bound token with a proof per request.
package okta

import (
	"sync"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// Version is the connector's version.
const Version = "0.1.0"

// Credential ids.
const (
	CredentialAPIToken   = "api_token"   // an Okta API token (SSWS)
	CredentialServiceApp = "service_app" // an OAuth 2.0 service app: client id and private key
)

// Resource types.
const (
	ResourceTypeOrg         = "org"         // the Okta organization (resource id "")
	ResourceTypeApplication = "application" // an Okta application (resource id "app:<id>")
)

// Entitlement types.
const (
	EntitlementTypeGroupMember   = "group_member"   // membership of an Okta group, on the org
	EntitlementTypeAdminRole     = "admin_role"     // a standard admin role, or a custom one on a resource set, on the org
	EntitlementTypeAppAssignment = "app_assignment" // an application assigned to the user, on the application
)

// AppAssignmentID is the id of the one app_assignment entitlement of each
// application.
const AppAssignmentID = "assigned"

// DefaultScopes are the OAuth scopes a service app asks for when the
// oauth_scopes setting is empty.
const DefaultScopes = "okta.users.read okta.groups.read okta.apps.read okta.roles.read okta.orgs.read"

// Settings are the Okta connector's settings.
type Settings struct {
	Domain                string `json:"domain" title:"Okta domain" description:"The org's domain, e.g. acme.okta.com, acme.oktapreview.com or a custom domain such as login.acme.com. Set this or base_url."`
	BaseURL               string `json:"base_url" title:"Base URL" description:"The org's full URL, e.g. https://acme.okta.com; https only (plain http only for a loopback host, in tests). Set this or domain."`
	PageSize              int    `json:"page_size" default:"200" minimum:"1" maximum:"200" title:"Upstream page size" description:"The limit asked for on every Okta list request (at most 200)."`
	IncludeDeprovisioned  bool   `json:"include_deprovisioned" default:"false" title:"Include deprovisioned users" description:"Also list DEPROVISIONED (deactivated) users, which Okta leaves out of its user listing (one more listing, filtered by status)."`
	IncludeAppAssignments bool   `json:"include_app_assignments" default:"false" title:"Include application assignments" description:"List applications as resources, with one app_assignment entitlement each, and who is assigned (one listing per application)."`
	IncludeCustomRoles    bool   `json:"include_custom_roles" default:"true" title:"Include custom admin roles" description:"List each custom admin role bound to a resource set as an admin_role entitlement custom:<role id>:<resource set id>, report who holds it and grant it (reads the resource sets, their bindings and the roles). Turn it off when the credential may not read resource sets."`
	OAuthScopes           string `json:"oauth_scopes" title:"OAuth scopes" description:"With the service_app credential: the space-separated scopes asked for (default okta.users.read okta.groups.read okta.apps.read okta.roles.read okta.orgs.read; add okta.users.manage and okta.groups.manage, okta.roles.manage to write)."`
	OAuthKeyID            string `json:"oauth_key_id" title:"OAuth key id" description:"With the service_app credential: the kid of the public key registered on the service app, sent in the client assertion's header (optional when the app has one key)."`
	OAuthDPoP             string `json:"oauth_dpop" default:"auto" enum:"auto,always,never" title:"DPoP" description:"With the service_app credential: auto asks for a bearer token and, when Okta answers that the app requires DPoP, for a DPoP-bound token (one more token request per call); always asks for a DPoP-bound token at once; never sends bearer tokens only."`
}

// Integration returns the Okta connector, built on first use and registered under the app id "okta".
var Integration = sync.OnceValue(build)

func init() { toolkit.RegisterLazy("okta", Integration) }

// build declares the connector and attaches its capabilities.
func build() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{
		AppID:   "okta",
		Version: Version,
		Credentials: []toolkit.CredentialConfig{
			{ID: CredentialAPIToken, Type: toolkit.AuthToken, Optional: true, Description: "An Okta API token (Security → API → Tokens), sent as `Authorization: SSWS <token>`; " +
				"it acts with the rights of the admin who created it. Send exactly one of the two credentials."},
			{ID: CredentialServiceApp, Type: toolkit.AuthKeyPair, Optional: true, Validate: validateServiceApp, Description: "An OAuth 2.0 service app (API Services) " +
				"using public key / private key client authentication: key_identifier is its client id, private_key the PEM RSA private key (PKCS#1 or PKCS#8) " +
				"whose public key is registered on the app. Grant the app the okta.* scopes of the oauth_scopes setting. An app that requires DPoP is served too (oauth_dpop). Send exactly one of the two credentials."},
		},
		Settings:    Settings{},
		MaxPageSize: MaxPageSize,
		Description: toolkit.DescriptionData{
			UserFriendlyName: "Okta",
			Description:      "Okta Workforce Identity: users as accounts; groups, admin roles and application assignments as entitlements.",
			Categories:       []toolkit.AppCategory{toolkit.CategoryITAndSecurity},
		},
		ResourceTypes: []toolkit.ResourceType{
			{TypeID: ResourceTypeOrg, TypeLabel: "Okta organization"},
			{TypeID: ResourceTypeApplication, TypeLabel: "Okta application"},
		},
		EntitlementTypes: []toolkit.EntitlementType{
			{TypeID: EntitlementTypeGroupMember, TypeLabel: "Group member", ResourceTypeID: "", Min: 0},
			{TypeID: EntitlementTypeAdminRole, TypeLabel: "Admin role", ResourceTypeID: "", Min: 0},
			{TypeID: EntitlementTypeAppAssignment, TypeLabel: "Application assignment", ResourceTypeID: ResourceTypeApplication, Min: 0},
		},
		ErrorHandlers: []errs.Rule{{Match: errs.Is[*errs.HTTPStatusError](), Handler: errs.HandlerFunc(describeHTTPError)}},
	})

	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials, toolkit.WithDescription(
		"Read the org (GET /api/v1/org) and one user; unique_tenant_id is the org's id."))
	toolkit.Handle(in, toolkit.CapListAccounts, listAccounts, toolkit.WithDescription(
		"List Okta users (GET /api/v1/users, then the DEPROVISIONED ones with include_deprovisioned), paged with limit and the Link header's after cursor."))
	toolkit.Handle(in, toolkit.CapGetAccount, getAccount, toolkit.WithDescription("Fetch one Okta user by id (GET /api/v1/users/{id})."))
	toolkit.Handle(in, toolkit.CapGetLastActivity, getLastActivity, toolkit.WithDescription(
		"Each user's lastLogin (one GET /api/v1/users/{id} per account); users that never signed in or no longer exist are left out."))
	toolkit.Handle(in, toolkit.CapListResources, listResources, toolkit.WithDescription(
		"The org (id \"\"), then with include_app_assignments its applications (GET /api/v1/apps)."))
	toolkit.Handle(in, toolkit.CapListEntitlements, listEntitlements, toolkit.WithDescription(
		"The standard admin roles, one admin_role per custom role bound to a resource set (GET /api/v1/iam/resource-sets, each one's bindings, "+
			"GET /api/v1/iam/roles for the labels), the groups (GET /api/v1/groups) and with include_app_assignments one app_assignment per application."))
	toolkit.Handle(in, toolkit.CapFindEntitlementAssociations, findEntitlementAssociations, toolkit.WithDescription(
		"Group memberships (GET /api/v1/groups/{id}/users per group), admin roles (GET /api/v1/iam/assignees/users, then each admin's roles) "+
			"and with include_app_assignments application assignments (GET /api/v1/apps/{id}/users per application)."))
	toolkit.Handle(in, toolkit.CapGetAccountEntitlementAssociations, getAccountEntitlementAssociations, toolkit.WithDescription(
		"One user's groups, admin roles and (with include_app_assignments) applications."))
	toolkit.HandleEntitlementChanges(in, changeEntitlement,
		[]toolkit.CapabilityOption{toolkit.WithDescription("Add the user to the group (PUT /api/v1/groups/{g}/users/{u}) or assign the admin role, standard or custom " +
			"(POST /api/v1/users/{u}/roles); a noop when already held.")},
		[]toolkit.CapabilityOption{toolkit.WithDescription("Remove the user from the group or unassign the admin role; a noop when not held.")})
	toolkit.HandleExtended(in, toolkit.CapCreateAccount, createAccount, toolkit.WithDescription(
		"Create an Okta user (POST /api/v1/users): activated unless user_status is PENDING or STAGED; group_member entitlements become its groupIds."))
	toolkit.HandleAccountActivation(in, changeActivation,
		[]toolkit.CapabilityOption{toolkit.WithDescription(
			"Activate a STAGED, PROVISIONED or DEPROVISIONED user, unsuspend a SUSPENDED one, unlock a LOCKED_OUT one; a noop when already active.")},
		[]toolkit.CapabilityOption{toolkit.WithDescription(
			"Deactivate the user (POST …/lifecycle/deactivate): it becomes DEPROVISIONED; a noop when it already is.")})
	toolkit.Handle(in, toolkit.CapDeleteAccount, deleteAccount, toolkit.WithDescription(
		"Deactivate the user if needed, then delete it (Okta deletes only DEPROVISIONED users); a noop when it is already gone."))
	return in
}
