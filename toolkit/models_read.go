package toolkit

import "github.com/swaggest/jsonschema-go"

// ValidateCredentials is the payload of validate_credentials; it has no fields.
type ValidateCredentials struct{}

// ValidatedCredentials is the result of validate_credentials.
type ValidatedCredentials struct {
	Valid          bool   `json:"valid" required:"true" description:"Whether the credentials and settings reach the tenant."`
	UniqueTenantID string `json:"unique_tenant_id" required:"true" description:"A stable identifier of the tenant the credentials belong to."`
}

// ListAccounts is the payload of list_accounts.
type ListAccounts struct {
	CustomAttributes []string `json:"custom_attributes" description:"Names of custom attributes to fill in on each account."`
}

// FoundAccountData is one account of the remote system.
type FoundAccountData struct {
	IntegrationSpecificID string            `json:"integration_specific_id" required:"true" semantic:"account-id" description:"The account's identifier in the remote system."`
	Email                 *string           `json:"email" description:"The account's e-mail address."`
	GivenName             *string           `json:"given_name" description:"The account holder's given name."`
	FamilyName            *string           `json:"family_name" description:"The account holder's family name."`
	Username              *string           `json:"username" description:"The account's login name."`
	UserStatus            *AccountStatus    `json:"user_status" description:"The account's lifecycle state."`
	ExtraData             map[string]any    `json:"extra_data" description:"Further connector-specific data about the account."`
	CustomAttributes      map[string]string `json:"custom_attributes" description:"Values of the custom attributes that were asked for."`
	AccountType           *AccountType      `json:"account_type" description:"Whether the account belongs to a person or a machine."`
}

// PrepareJSONSchema records the fields that identify an account.
func (FoundAccountData) PrepareJSONSchema(s *jsonschema.Schema) error {
	s.WithExtraPropertiesItem("x-unique-hash", []string{"integration_specific_id"})
	return nil
}

// GetAccount is the payload of get_account.
type GetAccount struct {
	AccountID        string   `json:"account_id" required:"true" semantic:"account-id" description:"The account to fetch."`
	CustomAttributes []string `json:"custom_attributes" description:"Names of custom attributes to fill in."`
}

// ListResources is the payload of list_resources; it has no fields.
type ListResources struct{}

// FoundResourceData is one resource of the remote system on which
// entitlements can be held. The tenant itself is the resource with id "".
type FoundResourceData struct {
	IntegrationSpecificID string            `json:"integration_specific_id" required:"true" description:"The resource's identifier; empty for the tenant-wide resource."`
	Label                 string            `json:"label" required:"true" description:"The resource's display name."`
	Description           *string           `json:"description" description:"What the resource is."`
	ResourceType          string            `json:"resource_type" required:"true" resourceType:"true" description:"One of the connector's declared resource type ids."`
	ExtraData             map[string]string `json:"extra_data" description:"Further connector-specific data about the resource."`
}

// PrepareJSONSchema records the fields that identify a resource.
func (FoundResourceData) PrepareJSONSchema(s *jsonschema.Schema) error {
	s.WithExtraPropertiesItem("x-unique-hash", []string{"integration_specific_id"})
	return nil
}

// ListEntitlements is the payload of list_entitlements.
type ListEntitlements struct {
	CustomAttributes []string `json:"custom_attributes" description:"Names of custom attributes to fill in on each entitlement."`
}

// FoundEntitlementData is one entitlement: something an account can be
// granted on a resource, such as a role or a group membership.
type FoundEntitlementData struct {
	EntitlementType               string            `json:"entitlement_type" required:"true" entitlementType:"true" description:"One of the connector's declared entitlement type ids."`
	ExtraData                     map[string]any    `json:"extra_data" description:"Further connector-specific data about the entitlement."`
	IntegrationSpecificID         string            `json:"integration_specific_id" required:"true" description:"The entitlement's identifier, unique within its resource."`
	IntegrationSpecificResourceID string            `json:"integration_specific_resource_id" required:"true" description:"The resource the entitlement is held on; empty for the tenant-wide resource."`
	IsAssignable                  *bool             `json:"is_assignable" description:"Whether the connector can grant and revoke this entitlement."`
	Label                         string            `json:"label" required:"true" description:"The entitlement's display name."`
	Description                   *string           `json:"description" description:"What the entitlement grants."`
	CustomAttributes              map[string]string `json:"custom_attributes" description:"Values of the custom attributes that were asked for."`
}

// PrepareJSONSchema records the fields that identify an entitlement.
func (FoundEntitlementData) PrepareJSONSchema(s *jsonschema.Schema) error {
	s.WithExtraPropertiesItem("x-unique-hash", []string{"integration_specific_id", "integration_specific_resource_id"})
	return nil
}

// FindEntitlementAssociations is the payload of find_entitlement_associations; it has no fields.
type FindEntitlementAssociations struct{}

// FoundEntitlementAssociation states that an account holds an entitlement on a resource.
type FoundEntitlementAssociation struct {
	AccountID                        string `json:"account_id" required:"true" semantic:"account-id" description:"The account holding the entitlement."`
	IntegrationSpecificEntitlementID string `json:"integration_specific_entitlement_id" required:"true" description:"The entitlement held."`
	IntegrationSpecificResourceID    string `json:"integration_specific_resource_id" required:"true" description:"The resource it is held on; empty for the tenant-wide resource."`
}

// PrepareJSONSchema records the fields that identify an association.
func (FoundEntitlementAssociation) PrepareJSONSchema(s *jsonschema.Schema) error {
	s.WithExtraPropertiesItem("x-unique-hash",
		[]string{"account_id", "integration_specific_entitlement_id", "integration_specific_resource_id"})
	return nil
}

// GetAccountEntitlementAssociations is the payload of get_account_entitlement_associations.
type GetAccountEntitlementAssociations struct {
	AccountID string `json:"account_id" required:"true" semantic:"account-id" description:"The account whose entitlements to list."`
}

// GetLastActivity is the payload of get_last_activity.
type GetLastActivity struct {
	AccountIDs []string `json:"account_ids" required:"true" description:"The accounts whose last activity to report."`
}

// LastActivityData is the last recorded activity of one account.
type LastActivityData struct {
	AccountID  string            `json:"account_id" required:"true" semantic:"account-id" description:"The account."`
	EventType  ActivityEventType `json:"event_type" required:"true" description:"What kind of activity the time records."`
	HappenedAt string            `json:"happened_at" required:"true" description:"When it happened, as an ISO 8601 time with zone."`
}

// ListCustomAttributesSchema is the payload of list_custom_attributes_schema; it has no fields.
type ListCustomAttributesSchema struct{}

// CustomAttributeSchema declares one custom attribute the connector can fill in.
type CustomAttributeSchema struct {
	CustomizedType CustomAttributeCustomizedType `json:"customized_type" required:"true" description:"The kind of object the attribute extends."`
	Name           string                        `json:"name" required:"true" description:"The attribute's name, as asked for in custom_attributes."`
	AttributeType  CustomAttributeType           `json:"attribute_type" required:"true" description:"The attribute's value type."`
	Description    *string                       `json:"description" description:"What the attribute holds."`
}

// Request and response envelopes of the read capabilities.
type (
	ValidateCredentialsRequest                = Request[ValidateCredentials]
	ValidateCredentialsResponse               = Response[ValidatedCredentials]
	ListAccountsRequest                       = Request[ListAccounts]
	ListAccountsResponse                      = Response[[]FoundAccountData]
	GetAccountRequest                         = Request[GetAccount]
	GetAccountResponse                        = Response[FoundAccountData]
	ListResourcesRequest                      = Request[ListResources]
	ListResourcesResponse                     = Response[[]FoundResourceData]
	ListEntitlementsRequest                   = Request[ListEntitlements]
	ListEntitlementsResponse                  = Response[[]FoundEntitlementData]
	FindEntitlementAssociationsRequest        = Request[FindEntitlementAssociations]
	FindEntitlementAssociationsResponse       = Response[[]FoundEntitlementAssociation]
	GetAccountEntitlementAssociationsRequest  = Request[GetAccountEntitlementAssociations]
	GetAccountEntitlementAssociationsResponse = Response[[]FoundEntitlementAssociation]
	GetLastActivityRequest                    = Request[GetLastActivity]
	GetLastActivityResponse                   = Response[[]LastActivityData]
	ListCustomAttributesSchemaRequest         = Request[ListCustomAttributesSchema]
	ListCustomAttributesSchemaResponse        = Response[[]CustomAttributeSchema]
)
