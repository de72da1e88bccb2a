// Package ldap is the LDAP and Active Directory connector, app id "ldap":
// one directory (OpenLDAP, any LDAPv3 server, or an Active Directory
// domain) is a tenant, reached at its url with a simple bind. Entries of
// the users base matching the users filter are accounts, the directory
// itself is a resource (id ""), and every group of the groups base is one
// group_member entitlement on it (or, with group_containers_as_resources,
// on the organizational_unit resource of the entry that holds it).
//
// Identifiers (see README.md in this folder) are never DNs, which change
// on rename:
//
//   - accounts and groups: the id attribute, entryUUID (OpenLDAP and most
//     LDAPv3 servers) or objectGUID (Active Directory, in its usual string
//     form, e.g. "c1e3b6a2-5d3c-4b71-9a8e-0f1d2c3b4a59");
//   - resources: "" (the directory); with group_containers_as_resources,
//     also the entries holding groups (organizational_unit, id the
//     container's id attribute);
//   - entitlements: group_member, id the group's id, on resource "" (or
//     on the group's container).
//
// The credential is basic: the username is the bind DN (or, on Active
// Directory, a user principal name), the password its password:
//
//	{"credentials":[{"id":"basic","basic":{"username":"cn=reader,dc=example,dc=com","password":"…"}}], …}
package ldap

import (
	"sync"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// Version is the connector's version.
const Version = "0.1.0"

// CredentialBasic is the credential id: bind DN and password.
const CredentialBasic = "basic"

// ResourceTypeDirectory is the type of the directory's resource (id "").
const ResourceTypeDirectory = "directory"

// ResourceTypeOrganizationalUnit is the type of an entry holding groups
// (an organizationalUnit, an Active Directory container, any other
// parent entry) below the groups base, listed as a resource only with the
// group_containers_as_resources setting.
const ResourceTypeOrganizationalUnit = "organizational_unit"

// EntitlementTypeGroupMember is membership of one group.
const EntitlementTypeGroupMember = "group_member"

// Values of the flavor setting.
const (
	// FlavorOpenLDAP is inetOrgPerson users and groupOfNames groups
	// (member holds DNs), ids in entryUUID.
	FlavorOpenLDAP = "openldap"
	// FlavorRFC2307bis is posixAccount users and posixGroup groups whose
	// member attribute holds DNs, ids in entryUUID.
	FlavorRFC2307bis = "rfc2307bis"
	// FlavorRFC2307 is posixAccount users and posixGroup groups whose
	// memberUid attribute holds login names, ids in entryUUID.
	FlavorRFC2307 = "rfc2307"
	// FlavorActiveDirectory is user objects and group objects (member
	// holds DNs), ids in objectGUID, logins in sAMAccountName.
	FlavorActiveDirectory = "active_directory"
	// FlavorGeneric is person users and groupOfUniqueNames groups
	// (uniqueMember holds DNs), ids in entryUUID.
	FlavorGeneric = "generic"
)

// DefaultPageSize is the Lumos page size when the request gives none.
const DefaultPageSize = 100

// MaxPageSize is the largest Lumos page size served.
const MaxPageSize = 10_000

// Settings are the LDAP connector's settings. Empty attribute and filter
// settings take the flavor's defaults (see README.md).
type Settings struct {
	URL                string `json:"url" required:"true" title:"Directory URL" description:"ldap://host[:port] or ldaps://host[:port] of the directory server."`
	StartTLS           bool   `json:"start_tls" title:"StartTLS" description:"Upgrade an ldap:// connection with StartTLS before binding."`
	CACertificate      string `json:"ca_certificate" title:"CA certificate (PEM)" description:"PEM certificates trusted for the server's TLS certificate, in addition to the system's."`
	InsecureSkipVerify bool   `json:"insecure_skip_verify" title:"Skip TLS verification" description:"Accept any TLS certificate (never the default; for test directories only)."`
	BaseDN             string `json:"base_dn" title:"Base DN" description:"The directory's naming context, e.g. dc=example,dc=com; read from the root DSE when empty."`
	UsersBaseDN        string `json:"users_base_dn" title:"Users base DN" description:"Where accounts are searched (subtree) and created; the base DN when empty."`
	GroupsBaseDN       string `json:"groups_base_dn" title:"Groups base DN" description:"Where groups are searched (subtree); the base DN when empty."`
	UsersFilter        string `json:"users_filter" title:"Users filter" description:"LDAP filter of the account entries; the flavor's when empty."`
	GroupsFilter       string `json:"groups_filter" title:"Groups filter" description:"LDAP filter of the group entries; the flavor's when empty."`
	Flavor             string `json:"flavor" default:"openldap" enum:"openldap,rfc2307bis,rfc2307,active_directory,generic" title:"Directory flavor" description:"Sets the defaults of the attribute and filter settings: openldap, rfc2307bis, rfc2307 (memberUid), active_directory or generic (uniqueMember)."`
	IDAttribute        string `json:"id_attribute" title:"Id attribute" description:"The attribute holding an entry's stable id (entryUUID or objectGUID); never a DN."`
	LoginAttribute     string `json:"login_attribute" title:"Login attribute" description:"The attribute holding the login name (uid, sAMAccountName)."`
	MemberAttribute    string `json:"member_attribute" title:"Group membership attribute" description:"member or uniqueMember (member DNs) or memberUid (login names)."`
	EmailAttribute     string `json:"email_attribute" default:"mail" title:"E-mail attribute" description:"The attribute holding the e-mail address."`
	GroupContainers    bool   `json:"group_containers_as_resources" title:"Group containers as resources" description:"List the entries holding groups below the groups base (OUs, Active Directory containers) as organizational_unit resources, each group an entitlement on its container; groups directly in the groups base stay on the directory (resource \"\"). Off: the directory is the only resource."`
	NestedMemberships  bool   `json:"nested_memberships" title:"Nested memberships (Active Directory)" description:"get_account_entitlement_associations also lists the groups the account belongs to through other groups (Active Directory's in-chain matching rule, 1.2.840.113556.1.4.1941)."`
	PageSize           int    `json:"page_size" default:"500" title:"LDAP page size" description:"The page size of the simple paged results control on every search (Active Directory serves at most 1,000)."`
	Timeout            int    `json:"timeout_seconds" default:"30" title:"Timeout (seconds)" description:"Bound on connecting and on each LDAP operation."`
}

// Integration returns the LDAP connector, built on first use and registered under the app id "ldap".
var Integration = sync.OnceValue(build)

func init() { toolkit.RegisterLazy("ldap", Integration) }

// build declares the connector and attaches its capabilities.
func build() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{
		AppID:   "ldap",
		Version: Version,
		Credentials: []toolkit.CredentialConfig{
			{ID: CredentialBasic, Type: toolkit.AuthBasic, Description: "Simple bind: username is the bind DN (on Active Directory also user@domain), password its password."},
		},
		Settings:    Settings{},
		MaxPageSize: MaxPageSize,
		Description: toolkit.DescriptionData{
			UserFriendlyName: "LDAP and Active Directory",
			Description:      "An LDAP directory (OpenLDAP, any LDAPv3 server) or an Active Directory domain: user entries as accounts, groups as entitlements.",
			Categories:       []toolkit.AppCategory{toolkit.CategoryITAndSecurity},
		},
		ResourceTypes: []toolkit.ResourceType{
			{TypeID: ResourceTypeDirectory, TypeLabel: "Directory"},
			{TypeID: ResourceTypeOrganizationalUnit, TypeLabel: "Organizational unit"},
		},
		EntitlementTypes: []toolkit.EntitlementType{
			{TypeID: EntitlementTypeGroupMember, TypeLabel: "Group member", ResourceTypeID: "", Min: 0},
		},
		ErrorHandlers: []errs.Rule{{Match: errs.Is[*goldap.Error](), Handler: errs.HandlerFunc(describeLDAPError)}},
	})

	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials, toolkit.WithDescription(
		"Bind, then read the base entry; unique_tenant_id is the base entry's id attribute (entryUUID, or the domain SID on Active Directory)."))
	toolkit.Handle(in, toolkit.CapListAccounts, listAccounts, toolkit.WithDescription(
		"List the entries of the users base matching the users filter, in id order, resumed after the last id returned."))
	toolkit.Handle(in, toolkit.CapGetAccount, getAccount, toolkit.WithDescription("Find one account by its id attribute."))
	toolkit.Handle(in, toolkit.CapListResources, listResources, toolkit.WithDescription(
		"List the directory (id \"\"); with group_containers_as_resources, then the entries holding groups below the groups base, in id order."))
	toolkit.Handle(in, toolkit.CapListEntitlements, listEntitlements, toolkit.WithDescription(
		"List one group_member entitlement per group of the groups base, in id order."))
	toolkit.Handle(in, toolkit.CapFindEntitlementAssociations, findEntitlementAssociations, toolkit.WithDescription(
		"List every group's direct members that are accounts, group by group in id order."))
	toolkit.Handle(in, toolkit.CapGetAccountEntitlementAssociations, getAccountEntitlementAssociations, toolkit.WithDescription(
		"List the groups that have the account as a direct member."))
	toolkit.HandleEntitlementChanges(in, changeEntitlement,
		[]toolkit.CapabilityOption{toolkit.WithDescription("Add the account to the group's membership attribute; a noop when already a member.")},
		[]toolkit.CapabilityOption{toolkit.WithDescription("Remove the account from the group's membership attribute; a noop when not a member.")})
	toolkit.HandleExtended(in, toolkit.CapCreateAccount, createAccount, toolkit.WithDescription(
		"Add a user entry below the users base (inetOrgPerson, or an Active Directory user), set its password when one is given "+
			"(Password Modify extended operation; Active Directory: unicodePwd in the add, over TLS only), then add it to the groups asked for."))
	toolkit.HandleExtended(in, toolkit.CapUpdateAccount, updateAccount, toolkit.WithDescription(
		"Find the account by id, replace the attributes given that differ (\"\" deletes one; sn cannot be emptied except on Active Directory), "+
			"then set the password when one is given (Password Modify extended operation; Active Directory: unicodePwd in the same modify, over TLS only); "+
			"the answer holds the attributes as read back."))
	toolkit.HandleAccountActivation(in, changeActivation,
		[]toolkit.CapabilityOption{toolkit.WithDescription(
			"Active Directory: clear the disabled bit of userAccountControl; OpenLDAP with ppolicy: remove pwdAccountLockedTime. A noop when already active.")},
		[]toolkit.CapabilityOption{toolkit.WithDescription(
			"Active Directory: set the disabled bit of userAccountControl; OpenLDAP with ppolicy: lock with pwdAccountLockedTime 000001010000Z. A noop when already inactive.")})
	toolkit.Handle(in, toolkit.CapDeleteAccount, deleteAccount, toolkit.WithDescription(
		"Delete the account's entry; a noop when it is already gone."))
	return in
}
