// Package mock is the built-in mock connector, app id "mock": a
// deterministic synthetic tenant behind every read capability, used to try
// lumos without a real system and as the reference every conformance test
// runs against. Any page of a tenant of millions of accounts is generated
// in time and memory proportional to the page.
package mock

import (
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

// Integration is the mock connector, registered under the app id "mock".
var Integration = toolkit.NewIntegration(toolkit.Declaration{
	AppID:    "mock",
	Version:  Version,
	Auth:     toolkit.AuthBasic,
	Settings: Settings{},
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

func init() {
	Integration.Handle(toolkit.CapValidateCredentials, validateCredentials)
	Integration.Handle(toolkit.CapListAccounts, listAccounts)
	Integration.Handle(toolkit.CapGetAccount, getAccount)
	Integration.Handle(toolkit.CapListResources, listResources)
	Integration.Handle(toolkit.CapListEntitlements, listEntitlements)
	Integration.Handle(toolkit.CapFindEntitlementAssociations, findEntitlementAssociations)
	Integration.Handle(toolkit.CapGetAccountEntitlementAssociations, getAccountEntitlementAssociations)
	Integration.Handle(toolkit.CapGetLastActivity, getLastActivity)
	Integration.Handle(toolkit.CapListCustomAttributesSchema, listCustomAttributesSchema)
	toolkit.Register(Integration)
}
