// Package scim is the generic SCIM 2.0 connector, app id "scim": any
// service provider speaking SCIM 2.0 (RFC 7643/7644) is a tenant, named by
// its base URL. Users are accounts, the service provider itself is the one
// resource (id ""), and every Group is one group_member entitlement on it.
//
// Identifiers (see README.md in this folder):
//
//   - accounts: the SCIM User's id, as the server gives it;
//   - resources: "" (the SCIM tenant);
//   - entitlements: group_member, id the SCIM Group's id, on resource "".
//
// Three credentials are declared; a request sends exactly one of them:
//
//	{"credentials":[{"id":"token","token":{"token":"…"}}], …}
//	{"credentials":[{"id":"basic","basic":{"username":"…","password":"…"}}], …}
//	{"credentials":[{"id":"oauth_client_credentials","oauth_client_credentials":{"access_token":"…",…}}], …}
//
// The last one's access token comes from handle_client_credentials_request,
// a client-credentials grant at the token_url setting.
package scim

import (
	"sync"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/oauth"
	"github.com/lumosgo/lumos/toolkit"
)

// Version is the connector's version.
const Version = "0.1.0"

// Credential ids.
const (
	CredentialToken = "token" // a bearer token
	CredentialBasic = "basic" // a user name and password (HTTP basic auth)
	// CredentialOAuthClientCredentials is an access token from an OAuth 2.0
	// client-credentials grant at the token_url setting.
	CredentialOAuthClientCredentials = "oauth_client_credentials"
)

// ResourceTypeTenant is the type of the one resource: the SCIM service provider.
const ResourceTypeTenant = "tenant"

// EntitlementTypeGroupMember is membership of one SCIM Group.
const EntitlementTypeGroupMember = "group_member"

// Values of the patch_op_case setting.
const (
	PatchOpLower       = "lower"       // "add", "remove", "replace" (RFC 7644)
	PatchOpCapitalized = "capitalized" // "Add", "Remove", "Replace" (Azure AD style)
)

// Values of the membership_source setting.
const (
	MembershipGroupMembers = "group_members" // memberships read from Group.members
	MembershipUserGroups   = "user_groups"   // memberships read from User.groups
	// MembershipUsersByGroup reads each group's members in pages: Groups
	// listed without members, then per group the Users filtered by
	// groups.value eq "<group id>". For servers with very large groups.
	MembershipUsersByGroup = "users_by_group"
)

// DefaultPageSize is the upstream count asked for when page_size is unset.
const DefaultPageSize = 100

// Settings are the SCIM connector's settings.
type Settings struct {
	BaseURL          string `json:"base_url" required:"true" title:"SCIM base URL" description:"The SCIM root, e.g. https://example.com/scim/v2; /Users, /Groups and /ServiceProviderConfig are below it."`
	UsersPath        string `json:"users_path" default:"/Users" title:"Users path" description:"Path of the Users endpoint below the base URL."`
	GroupsPath       string `json:"groups_path" default:"/Groups" title:"Groups path" description:"Path of the Groups endpoint below the base URL."`
	PageSize         int    `json:"page_size" default:"100" title:"Upstream page size" description:"The count asked for on every list request (the server may answer fewer or more)."`
	PatchOpCase      string `json:"patch_op_case" default:"lower" enum:"lower,capitalized" title:"PATCH op casing" description:"lower sends op \"add\"/\"remove\"/\"replace\" (RFC 7644); capitalized sends \"Add\"/\"Remove\"/\"Replace\" for servers that need it."`
	MembershipSource string `json:"membership_source" default:"group_members" enum:"group_members,user_groups,users_by_group" title:"Membership source" description:"group_members reads memberships from Group.members; user_groups reads them from User.groups; users_by_group pages each group's members as Users filtered by groups.value (for very large groups; needs filters)."`
	FilterSupported  bool   `json:"filter_supported" default:"true" title:"Filters supported" description:"When false, the connector never sends filter= (it scans listings instead)."`
	TokenURL         string `json:"token_url" title:"OAuth token URL" description:"The OAuth 2.0 token endpoint of the client-credentials grant (needed only with the oauth_client_credentials credential), e.g. https://example.com/oauth/token."`
	TokenAuthMethod  string `json:"token_auth_method" default:"client_secret_basic" enum:"client_secret_basic,client_secret_post" title:"OAuth client authentication" description:"How the client-credentials grant presents the client id and secret to token_url: client_secret_basic (HTTP Basic authentication, which RFC 6749 requires every server to accept) or client_secret_post (client_id and client_secret in the form body, for servers that take only that)."`
	// Dialect is the GitHub dialect switch (githubdialect.go).
	Dialect string `json:"dialect" default:"rfc" enum:"rfc,github" title:"Dialect" description:"github adds the attributes GitHub Enterprise Cloud requires of a new user (externalId, displayName)."`
}

// Integration returns the SCIM connector, built on first use and registered under the app id "scim".
var Integration = sync.OnceValue(build)

func init() { toolkit.RegisterLazy("scim", Integration) }

// build declares the connector and attaches its capabilities.
func build() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{
		AppID:   "scim",
		Version: Version,
		Credentials: []toolkit.CredentialConfig{
			{ID: CredentialToken, Type: toolkit.AuthToken, Optional: true, Description: "A bearer token the SCIM service provider issued. Send exactly one of the credentials."},
			{ID: CredentialBasic, Type: toolkit.AuthBasic, Optional: true, Description: "A user name and password sent with HTTP basic authentication. Send exactly one of the credentials."},
			{ID: CredentialOAuthClientCredentials, Type: toolkit.AuthOAuthClientCredentials, Optional: true,
				Description: "An access token from an OAuth 2.0 client-credentials grant at the token_url setting (handle_client_credentials_request), sent as a bearer token. Send exactly one of the credentials."},
		},
		Settings:    Settings{},
		MaxPageSize: MaxPageSize,
		Description: toolkit.DescriptionData{
			UserFriendlyName: "SCIM 2.0",
			Description:      "Any SCIM 2.0 service provider: Users as accounts, Groups as entitlements.",
			Categories:       []toolkit.AppCategory{toolkit.CategoryITAndSecurity},
		},
		ResourceTypes: []toolkit.ResourceType{{TypeID: ResourceTypeTenant, TypeLabel: "SCIM tenant"}},
		EntitlementTypes: []toolkit.EntitlementType{
			{TypeID: EntitlementTypeGroupMember, TypeLabel: "Group member", ResourceTypeID: "", Min: 0},
		},
		ErrorHandlers: []errs.Rule{{Match: errs.Is[*errs.HTTPStatusError](), Handler: errs.HandlerFunc(describeHTTPError)}},
	})

	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials, toolkit.WithDescription(
		"Read /ServiceProviderConfig (and /ResourceTypes, /Schemas when present) and one page of Users; "+
			"unique_tenant_id is the base URL, lower-cased, without a trailing slash."))
	toolkit.Handle(in, toolkit.CapListAccounts, listAccounts, toolkit.WithDescription(
		"List SCIM Users, paged with startIndex/count: one upstream request per page_size users."))
	toolkit.Handle(in, toolkit.CapGetAccount, getAccount, toolkit.WithDescription("Fetch one SCIM User by id."))
	toolkit.Handle(in, toolkit.CapListResources, listResources, toolkit.WithDescription("List the SCIM tenant (id \"\")."))
	toolkit.Handle(in, toolkit.CapListEntitlements, listEntitlements, toolkit.WithDescription(
		"List one group_member entitlement per SCIM Group, on the tenant, paged."))
	toolkit.Handle(in, toolkit.CapFindEntitlementAssociations, findEntitlementAssociations, toolkit.WithDescription(
		"List group memberships from Group.members (or User.groups with membership_source user_groups), paged."))
	toolkit.Handle(in, toolkit.CapGetAccountEntitlementAssociations, getAccountEntitlementAssociations, toolkit.WithDescription(
		"List one user's group memberships."))
	toolkit.HandleEntitlementChanges(in, changeEntitlement,
		[]toolkit.CapabilityOption{toolkit.WithDescription("Add the user to the group (PATCH members add); a noop when already a member.")},
		[]toolkit.CapabilityOption{toolkit.WithDescription("Remove the user from the group (PATCH members remove); a noop when not a member.")})
	toolkit.HandleExtended(in, toolkit.CapCreateAccount, createAccount, toolkit.WithDescription(
		"Create a SCIM User (POST), then add it to the groups asked for."))
	toolkit.HandleExtended(in, toolkit.CapUpdateAccount, updateAccount, toolkit.WithDescription(
		"Change a SCIM User's userName, name, displayName, primary email or active (one PATCH of replace ops); "+
			"a noop when every field given already has its value."))
	toolkit.HandleAccountActivation(in, changeActivation,
		[]toolkit.CapabilityOption{toolkit.WithDescription(
			"Set active to true (PATCH); a noop when already active.")},
		[]toolkit.CapabilityOption{toolkit.WithDescription(
			"Set active to false (PATCH); a noop when already inactive.")})
	toolkit.Handle(in, toolkit.CapDeleteAccount, deleteAccount, toolkit.WithDescription(
		"Delete the SCIM User; a noop when it is already gone."))
	oauth.RegisterCredentials(in, map[string]oauth.Settings{
		CredentialOAuthClientCredentials: {
			FlowType:       oauth.ClientCredentialsFlow,
			TokenURL:       oauth.FromSettings(tokenURL),
			ClientAuthFunc: clientAuth,
		},
	})
	return in
}
