// Package github is the GitHub connector, app id "github": one GitHub
// organization is the tenant. It lists the organization's members (with
// their role), outside collaborators and pending invitations; its teams and
// repositories; who holds which organization role, team role and
// repository permission; and it grants and revokes all of them, invites
// people and removes them.
//
// Identifiers (see README, "The GitHub connector"):
//
//   - accounts: GitHub's numeric user id in decimal ("583231"), which
//     survives login renames; a pending invitation is "invitation:<id>";
//   - resources: "" (the organization), "team:<slug>", "repo:<name>";
//   - entitlements: org_role "owner"/"member" on "", team_role
//     "member"/"maintainer" on a team, repo_permission
//     "read"/"triage"/"write"/"maintain"/"admin" (and custom repository
//     role names from the settings) on a repository.
//
// Three credentials are declared, one per way of authenticating; a request
// sends exactly one of them:
//
//	{"credentials":[{"id":"token","token":{"token":"ghp_…"}}], …}
//	{"credentials":[{"id":"oauth","oauth":{"access_token":"gho_…"}}], …}
//	{"credentials":[{"id":"app","key_pair":{"key_identifier":"12345","private_key":"-----BEGIN RSA PRIVATE KEY-----…"}}], …}
package github

import (
	"sync"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/oauth"
	"github.com/lumosgo/lumos/toolkit"
)

// Version is the connector's version.
const Version = "1.0.0"

// APIVersion is the REST API version every request pins.
const APIVersion = "2022-11-28"

// DefaultBaseURL is GitHub.com's REST API.
const DefaultBaseURL = "https://api.github.com"

// Credential ids.
const (
	CredentialToken = "token" // a personal access token (classic or fine-grained) or any bearer token
	CredentialOAuth = "oauth" // an OAuth app's (or GitHub App's) user access token
	CredentialApp   = "app"   // a GitHub App: app id or client id + private key, installed on the org
)

// Resource types.
const (
	ResourceTypeOrganization = "organization"
	ResourceTypeTeam         = "team"
	ResourceTypeRepository   = "repository"
)

// Entitlement types.
const (
	EntitlementTypeOrgRole        = "org_role"
	EntitlementTypeTeamRole       = "team_role"
	EntitlementTypeRepoPermission = "repo_permission"
)

// Settings are the GitHub connector's settings.
type Settings struct {
	Org                         string   `json:"org" required:"true" title:"Organization" description:"Login of the GitHub organization that is the tenant, e.g. acme (as in https://github.com/acme)."`
	BaseURL                     string   `json:"base_url" default:"https://api.github.com" title:"API base URL" description:"GitHub's REST API: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. OAuth URLs are derived from it."`
	IncludeOutsideCollaborators bool     `json:"include_outside_collaborators" default:"true" title:"Include outside collaborators" description:"List outside collaborators (people with repository access who are not members) as accounts."`
	IncludePendingInvitations   bool     `json:"include_pending_invitations" default:"true" title:"Include pending invitations" description:"List pending organization invitations as PENDING accounts (needs an organization owner)."`
	AppInstallationID           int64    `json:"app_installation_id" title:"GitHub App installation id" description:"With the app credential: the installation of the app on the organization. When 0 it is looked up on every call (one more request)."`
	CustomRepositoryRoles       []string `json:"custom_repository_roles" title:"Custom repository roles" description:"Names of the organization's custom repository roles (GitHub Enterprise Cloud), listed as repository entitlements next to read, triage, write, maintain and admin."`
}

// Integration returns the GitHub connector, built on first use and registered under the app id "github".
var Integration = sync.OnceValue(build)

func init() { toolkit.RegisterLazy("github", Integration) }

// build declares the connector and attaches its capabilities.
func build() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{
		AppID:   "github",
		Version: Version,
		Credentials: []toolkit.CredentialConfig{
			{ID: CredentialToken, Type: toolkit.AuthToken, Optional: true, Description: "A personal access token: classic with the `read:org` scope to read (`admin:org` and `repo` to write), " +
				"or fine-grained with the organization's Members permission (read or write) and the repositories' Administration permission. " +
				"Authorize it for SAML single sign-on if the organization enforces it. Send exactly one of the three credentials."},
			{ID: CredentialOAuth, Type: toolkit.AuthOAuth, Optional: true, Description: "An access token from an OAuth app's (or a GitHub App's) authorization code flow; " +
				"get_authorization_url and handle_authorization_callback run the flow against github.com or your GitHub Enterprise Server."},
			{ID: CredentialApp, Type: toolkit.AuthKeyPair, Optional: true, Validate: validateAppCredential, Description: "A GitHub App installed on the organization: " +
				"`key_identifier` is the App ID (or its client ID) and `private_key` the PEM private key GitHub generated for the app. " +
				"Each call signs a JWT and trades it for an installation token (set app_installation_id to save a lookup)."},
		},
		Settings:    Settings{},
		MaxPageSize: MaxPageSize,
		Description: toolkit.DescriptionData{
			LogoURL:          "https://github.githubassets.com/favicons/favicon.svg",
			UserFriendlyName: "GitHub",
			Description:      "A GitHub organization: members, outside collaborators and invitations; teams and repositories; organization roles, team roles and repository permissions.",
			Categories:       []toolkit.AppCategory{toolkit.CategoryDevelopers},
			AppVendorDomain:  "github.com",
		},
		ResourceTypes: []toolkit.ResourceType{
			{TypeID: ResourceTypeOrganization, TypeLabel: "Organization"},
			{TypeID: ResourceTypeTeam, TypeLabel: "Team"},
			{TypeID: ResourceTypeRepository, TypeLabel: "Repository"},
		},
		EntitlementTypes: []toolkit.EntitlementType{
			// One organization role at most (outside collaborators have none; an
			// invitation without one invites a member); any number of teams and
			// repositories, one role on each.
			{TypeID: EntitlementTypeOrgRole, TypeLabel: "Organization role", ResourceTypeID: "", Min: 0, Max: toolkit.Ptr(1)},
			{TypeID: EntitlementTypeTeamRole, TypeLabel: "Team role", ResourceTypeID: ResourceTypeTeam, Min: 0},
			{TypeID: EntitlementTypeRepoPermission, TypeLabel: "Repository permission", ResourceTypeID: ResourceTypeRepository, Min: 0},
		},
		ErrorHandlers: []errs.Rule{{Match: errs.Is[*errs.HTTPStatusError](), Handler: errs.HandlerFunc(describeHTTPError)}},
	})

	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials, toolkit.WithDescription(
		"Check that the organization is reachable and its members readable; unique_tenant_id is the organization's numeric id."))
	toolkit.Handle(in, toolkit.CapListAccounts, listAccounts, toolkit.WithDescription(
		"List owners, members, outside collaborators and pending invitations (PENDING), in that order, paged.\n"+
			"One upstream request per 100 accounts: a Lumos page holds whole GitHub pages of min(size, 100)."))
	toolkit.Handle(in, toolkit.CapGetAccount, getAccount, toolkit.WithDescription(
		"Fetch one account by its numeric GitHub user id, or a pending invitation by invitation:<id>."))
	toolkit.Handle(in, toolkit.CapListResources, listResources, toolkit.WithDescription(
		"List the organization (id \"\"), its teams (team:<slug>) and its repositories (repo:<name>), paged."))
	toolkit.Handle(in, toolkit.CapListEntitlements, listEntitlements, toolkit.WithDescription(
		"List organization roles (owner, member), team roles (member, maintainer) per team and repository permissions "+
			"(read, triage, write, maintain, admin, custom roles from the settings) per repository, paged."))
	toolkit.Handle(in, toolkit.CapFindEntitlementAssociations, findEntitlementAssociations, toolkit.WithDescription(
		"List who holds what: organization roles of members, direct team memberships and direct repository collaborators "+
			"(with GitHub's role_name, the highest role the person has on the repository), paged."))
	toolkit.Handle(in, toolkit.CapGetAccountEntitlementAssociations, getAccountEntitlementAssociations, toolkit.WithDescription(
		"List one account's organization role, direct team memberships and direct repository access.\n"+
			"Costs one request per team and per repository (GitHub has no reverse lookup for another user)."))
	toolkit.HandleEntitlementChanges(in, changeEntitlement,
		[]toolkit.CapabilityOption{toolkit.WithDescription(
			"Grant an organization role, a team role or a repository permission; a noop when the account already holds it.\n" +
				"Granting to a non-member invites them (GitHub's behaviour): the grant is pending until they accept.")},
		[]toolkit.CapabilityOption{toolkit.WithDescription(
			"Revoke an organization role (owner → member; member → removal from the organization), a team role or a direct " +
				"repository grant; a noop when the account does not hold it.")})
	toolkit.HandleExtended(in, toolkit.CapCreateAccount, createAccount, toolkit.WithDescription(
		"Invite a person by email or GitHub login, with an organization role (owner or member) and teams; "+
			"returns invitation:<id> (PENDING). A noop when the person is already a member or invited."))
	toolkit.Handle(in, toolkit.CapDeleteAccount, deleteAccount, toolkit.WithDescription(
		"Remove a member or outside collaborator from the organization, or cancel an invitation; a noop when already gone."))

	// The OAuth app code flow, against github.com or the Enterprise Server host.
	oauth.RegisterCredentials(in, map[string]oauth.Settings{
		CredentialOAuth: {
			AuthorizationURL: oauthURL("/login/oauth/authorize"),
			TokenURL:         oauthURL("/login/oauth/access_token"),
			Scopes:           Scopes,
			FlowType:         oauth.CodeFlow,
		},
	})
	return in
}

// Scopes are the classic OAuth scopes the code flow asks for, per capability.
var Scopes = map[toolkit.CapabilityName]string{
	toolkit.CapValidateCredentials.Name():               "read:org",
	toolkit.CapListAccounts.Name():                      "read:org",
	toolkit.CapGetAccount.Name():                        "read:org",
	toolkit.CapListResources.Name():                     "read:org repo",
	toolkit.CapListEntitlements.Name():                  "read:org repo",
	toolkit.CapFindEntitlementAssociations.Name():       "read:org repo",
	toolkit.CapGetAccountEntitlementAssociations.Name(): "read:org repo",
	toolkit.CapAssignEntitlement.Name():                 "admin:org repo",
	toolkit.CapUnassignEntitlement.Name():               "admin:org repo",
	toolkit.CapCreateAccount.Name():                     "admin:org",
	toolkit.CapDeleteAccount.Name():                     "admin:org",
}
