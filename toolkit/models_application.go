package toolkit

import "github.com/swaggest/jsonschema-go"

// uniqueHash records on a model's schema the fields that identify an item.
func uniqueHash(s *jsonschema.Schema, keys ...string) error {
	s.WithExtraPropertiesItem("x-unique-hash", keys)
	return nil
}

// ListApplications is the payload of list_applications; it has no fields.
type ListApplications struct{}

// Application is one application instance managed through the connector,
// for connectors that front several applications (an identity provider,
// for example).
type Application struct {
	ID              string            `json:"id" required:"true" semantic:"application-instance-id" description:"Identifier of the application instance or tenant, e.g. a workspace host name."`
	Name            string            `json:"name" required:"true" description:"The application's name or identifier, e.g. its domain."`
	DisplayName     *string           `json:"display_name" description:"The application's name for people."`
	Description     *string           `json:"description" description:"What the application is."`
	Status          ApplicationStatus `json:"status" required:"true" description:"Whether the application is in use."`
	Logo            *string           `json:"logo" description:"URL of the application's logo."`
	SignOnMode      SignOnMode        `json:"sign_on_mode" required:"true" description:"How users sign in to the application."`
	SSOLoginURL     *string           `json:"sso_login_url" description:"URL to sign in to the application."`
	AssignmentModes []AssignmentMode  `json:"assignment_modes" required:"true" description:"The ways access to the application can be granted."`
}

// PrepareJSONSchema records the fields that identify an application.
func (Application) PrepareJSONSchema(s *jsonschema.Schema) error { return uniqueHash(s, "id") }

// ListApplicationsAccounts is the payload of list_applications_accounts; it has no fields.
type ListApplicationsAccounts struct{}

// ApplicationAccount states that an account has access to an application.
type ApplicationAccount struct {
	AccountID             string        `json:"account_id" required:"true" description:"The account."`
	ApplicationInstanceID string        `json:"application_instance_id" required:"true" description:"The application it has access to."`
	Status                AccountStatus `json:"status" required:"true" description:"The account's state in the application."`
}

// PrepareJSONSchema records the fields that identify an application account.
func (ApplicationAccount) PrepareJSONSchema(s *jsonschema.Schema) error {
	return uniqueHash(s, "account_id", "application_instance_id")
}

// ListApplicationsActivityRecords is the payload of list_applications_activity_records.
type ListApplicationsActivityRecords struct {
	SinceDate string                `json:"since_date" required:"true" description:"Earliest time to report, as an ISO 8601 string."`
	Actors    []ActivityRecordActor `json:"actors" required:"true" description:"The actors whose activity to report."`
}

// ApplicationActivityRecord is an ActivityRecord that happened in one application.
type ApplicationActivityRecord struct {
	ApplicationInstanceID string                     `json:"application_instance_id" required:"true" description:"The application the activity happened in."`
	ID                    string                     `json:"id" required:"true" description:"The record's identifier, unique among records."`
	ActivityType          ActivityRecordActivityType `json:"activity_type" required:"true" description:"What kind of activity it was; a standard ActivityType when one fits."`
	Timestamp             string                     `json:"timestamp" required:"true" description:"When it happened, as an ISO 8601 string."`
	Actor                 ActivityRecordActor        `json:"actor" required:"true" description:"Who did it."`
	Targets               []ActivityRecordTarget     `json:"targets" required:"true" description:"What it affected."`
	Metadata              map[string]string          `json:"metadata" description:"Further details, such as the client address or user agent."`
}

// PrepareJSONSchema records the fields that identify an activity record.
func (ApplicationActivityRecord) PrepareJSONSchema(s *jsonschema.Schema) error {
	return uniqueHash(s, "id")
}

// ListApplicationsEntitlements is the payload of list_applications_entitlements.
type ListApplicationsEntitlements struct {
	CustomAttributes []string `json:"custom_attributes" description:"Names of custom attributes to fill in on each entitlement."`
}

// ApplicationEntitlementData is an entitlement inside one application.
type ApplicationEntitlementData struct {
	ApplicationInstanceID         string                    `json:"application_instance_id" required:"true" description:"The application the entitlement belongs to."`
	EntitlementType               string                    `json:"entitlement_type" required:"true" description:"One of the connector's declared entitlement type ids."`
	ExtraData                     map[string]map[string]any `json:"extra_data" description:"Further connector-specific data about the entitlement, grouped by key."`
	IntegrationSpecificID         string                    `json:"integration_specific_id" required:"true" description:"The entitlement's identifier, unique within its resource."`
	IntegrationSpecificResourceID string                    `json:"integration_specific_resource_id" required:"true" description:"The resource the entitlement is held on; empty for the tenant-wide resource."`
	IsAssignable                  *bool                     `json:"is_assignable" description:"Whether the connector can grant and revoke this entitlement."`
	Label                         string                    `json:"label" required:"true" description:"The entitlement's display name."`
	Description                   *string                   `json:"description" description:"What the entitlement grants."`
	CustomAttributes              map[string]string         `json:"custom_attributes" description:"Values of the custom attributes that were asked for."`
}

// PrepareJSONSchema records the fields that identify an application entitlement.
func (ApplicationEntitlementData) PrepareJSONSchema(s *jsonschema.Schema) error {
	return uniqueHash(s, "integration_specific_id", "integration_specific_resource_id", "application_instance_id")
}

// ListApplicationsResources is the payload of list_applications_resources; it has no fields.
type ListApplicationsResources struct{}

// ApplicationResourceData is a resource inside one application.
type ApplicationResourceData struct {
	ApplicationInstanceID string            `json:"application_instance_id" required:"true" description:"The application the resource belongs to."`
	IntegrationSpecificID string            `json:"integration_specific_id" required:"true" description:"The resource's identifier; empty for the tenant-wide resource."`
	Label                 string            `json:"label" required:"true" description:"The resource's display name."`
	Description           *string           `json:"description" description:"What the resource is."`
	ResourceType          string            `json:"resource_type" required:"true" description:"One of the connector's declared resource type ids."`
	ExtraData             map[string]string `json:"extra_data" description:"Further connector-specific data about the resource."`
}

// PrepareJSONSchema records the fields that identify an application resource.
func (ApplicationResourceData) PrepareJSONSchema(s *jsonschema.Schema) error {
	return uniqueHash(s, "integration_specific_id", "application_instance_id")
}

// ListApplicationsEntitlementAssociations is the payload of
// list_applications_entitlement_associations; it has no fields.
type ListApplicationsEntitlementAssociations struct{}

// ApplicationEntitlementAssociation states that an account holds an
// entitlement inside one application.
type ApplicationEntitlementAssociation struct {
	ApplicationInstanceID            string `json:"application_instance_id" required:"true" description:"The application the entitlement belongs to."`
	AccountID                        string `json:"account_id" required:"true" description:"The account holding the entitlement."`
	IntegrationSpecificEntitlementID string `json:"integration_specific_entitlement_id" required:"true" description:"The entitlement held."`
	IntegrationSpecificResourceID    string `json:"integration_specific_resource_id" required:"true" description:"The resource it is held on."`
}

// PrepareJSONSchema records the fields that identify an association.
func (ApplicationEntitlementAssociation) PrepareJSONSchema(s *jsonschema.Schema) error {
	return uniqueHash(s, "account_id", "integration_specific_entitlement_id",
		"integration_specific_resource_id", "application_instance_id")
}

// GetApplication is the payload of get_application.
type GetApplication struct {
	ApplicationInstanceID string `json:"application_instance_id" required:"true" semantic:"application-instance-id" description:"The application to fetch."`
}

// GetApplicationAccount is the payload of get_application_account.
type GetApplicationAccount struct {
	ApplicationInstanceID string `json:"application_instance_id" required:"true" semantic:"application-instance-id" description:"The application."`
	AccountID             string `json:"account_id" required:"true" semantic:"account-id" description:"The account whose access to the application to fetch."`
}

// AssignApplication is the payload of assign_application.
type AssignApplication struct {
	ApplicationInstanceID string `json:"application_instance_id" required:"true" semantic:"application-instance-id" description:"The application to give access to."`
	AccountID             string `json:"account_id" required:"true" semantic:"account-id" description:"The account to give access."`
}

// AssignedApplication is the result of assign_application.
type AssignedApplication struct {
	Assigned    bool `json:"assigned" required:"true" description:"Whether the account is now assigned to the application through the connector; says nothing of an account inside the application."`
	Provisioned bool `json:"provisioned" required:"true" description:"Whether an account was created inside the application; says nothing of the assignment."`
}

// UnassignApplication is the payload of unassign_application.
type UnassignApplication struct {
	ApplicationInstanceID string `json:"application_instance_id" required:"true" semantic:"application-instance-id" description:"The application to take access away from."`
	AccountID             string `json:"account_id" required:"true" semantic:"account-id" description:"The account to take access away from."`
}

// UnassignedApplication is the result of unassign_application.
type UnassignedApplication struct {
	Unassigned    bool          `json:"unassigned" required:"true" description:"Whether the assignment through the connector was removed; says nothing of the account inside the application."`
	Deprovisioned bool          `json:"deprovisioned" required:"true" description:"Whether the account inside the application was removed; says nothing of the assignment."`
	Status        AccountStatus `json:"status" required:"true" description:"State of the account after the call."`
}

// AssignApplicationEntitlement is the payload of assign_application_entitlement.
type AssignApplicationEntitlement struct {
	ApplicationInstanceID string `json:"application_instance_id" required:"true" semantic:"application-instance-id" description:"The application the entitlement belongs to."`
	EntitlementGrant
}

// AssignedApplicationEntitlement is the result of assign_application_entitlement.
type AssignedApplicationEntitlement struct {
	Assigned bool `json:"assigned" required:"true" description:"Always true; a grant that cannot be made is reported as an error."`
}

// UnassignApplicationEntitlement is the payload of unassign_application_entitlement.
type UnassignApplicationEntitlement struct {
	ApplicationInstanceID string `json:"application_instance_id" required:"true" semantic:"application-instance-id" description:"The application the entitlement belongs to."`
	EntitlementRevocation
}

// UnassignedApplicationEntitlement is the result of unassign_application_entitlement.
type UnassignedApplicationEntitlement struct {
	Unassigned bool `json:"unassigned" required:"true" description:"Whether the entitlement was revoked."`
}

// Request and response envelopes of the application capabilities.
type (
	ListApplicationsRequest                         = Request[ListApplications]
	ListApplicationsResponse                        = Response[[]Application]
	ListApplicationsAccountsRequest                 = Request[ListApplicationsAccounts]
	ListApplicationsAccountsResponse                = Response[[]ApplicationAccount]
	ListApplicationsActivityRecordsRequest          = Request[ListApplicationsActivityRecords]
	ListApplicationsActivityRecordsResponse         = Response[[]ApplicationActivityRecord]
	ListApplicationsEntitlementsRequest             = Request[ListApplicationsEntitlements]
	ListApplicationsEntitlementsResponse            = Response[[]ApplicationEntitlementData]
	ListApplicationsResourcesRequest                = Request[ListApplicationsResources]
	ListApplicationsResourcesResponse               = Response[[]ApplicationResourceData]
	ListApplicationsEntitlementAssociationsRequest  = Request[ListApplicationsEntitlementAssociations]
	ListApplicationsEntitlementAssociationsResponse = Response[[]ApplicationEntitlementAssociation]
	GetApplicationRequest                           = Request[GetApplication]
	GetApplicationResponse                          = Response[Application]
	GetApplicationAccountRequest                    = Request[GetApplicationAccount]
	GetApplicationAccountResponse                   = Response[ApplicationAccount]
	AssignApplicationRequest                        = Request[AssignApplication]
	AssignApplicationResponse                       = Response[AssignedApplication]
	UnassignApplicationRequest                      = Request[UnassignApplication]
	UnassignApplicationResponse                     = Response[UnassignedApplication]
	AssignApplicationEntitlementRequest             = Request[AssignApplicationEntitlement]
	AssignApplicationEntitlementResponse            = Response[AssignedApplicationEntitlement]
	UnassignApplicationEntitlementRequest           = Request[UnassignApplicationEntitlement]
	UnassignApplicationEntitlementResponse          = Response[UnassignedApplicationEntitlement]
)
