package toolkit

// CreatableAccount is the standard payload of create_account: only the
// entitlements a new account must start with. Connectors extend it with
// their own fields (CreateAccount is the common extension).
type CreatableAccount struct {
	Entitlements []CreateAccountEntitlement `json:"entitlements" description:"Entitlements the new account must hold from the start: one for every entitlement type whose minimum is above zero."`
}

// CreateAccount is the usual extension of CreatableAccount, with the account
// fields most connectors accept.
type CreateAccount struct {
	Email        *string                    `json:"email" description:"E-mail address of the new account."`
	Username     *string                    `json:"username" description:"Login name of the new account."`
	GivenName    *string                    `json:"given_name" description:"Given name of the account holder."`
	FamilyName   *string                    `json:"family_name" description:"Family name of the account holder."`
	UserStatus   *string                    `json:"user_status" description:"State the account should start in, such as active or pending."`
	Entitlements []CreateAccountEntitlement `json:"entitlements" required:"true" description:"Entitlements the new account must hold from the start: one for every entitlement type whose minimum is above zero."`
}

// CreateAccountEntitlement is an entitlement to grant while creating an account.
type CreateAccountEntitlement struct {
	IntegrationSpecificResourceID *string `json:"integration_specific_resource_id" description:"Resource the entitlement is held on; empty or absent for the tenant-wide resource."`
	EntitlementType               string  `json:"entitlement_type" required:"true" entitlementType:"true" description:"One of the connector's declared entitlement type ids."`
	IntegrationSpecificID         string  `json:"integration_specific_id" required:"true" description:"The entitlement's identifier in the remote system."`
}

// CreatedAccount is the result of create_account.
type CreatedAccount struct {
	ID      *string       `json:"id" semantic:"account-id" description:"Identifier the remote system gave the new account."`
	Status  AccountStatus `json:"status" required:"true" description:"State of the account after creation."`
	Created bool          `json:"created" required:"true" description:"Legacy flag: true when the account was created."`
}

// UpdateableAccount is the payload and the result of update_account: the
// account to change. Connectors extend it with the fields they can update.
type UpdateableAccount struct {
	ID string `json:"id" required:"true" semantic:"account-id" description:"The account's identifier, as the connector reported it."`
}

// ActivateAccount is the payload of activate_account.
type ActivateAccount struct {
	AccountID string `json:"account_id" required:"true" semantic:"account-id" description:"The account to activate."`
}

// ActivatedAccount is the result of activate_account.
type ActivatedAccount struct {
	Status    AccountStatus `json:"status" required:"true" description:"State of the account after the call."`
	Activated bool          `json:"activated" required:"true" description:"Whether the account is now active."`
}

// DeactivateAccount is the payload of deactivate_account.
type DeactivateAccount struct {
	AccountID string `json:"account_id" required:"true" semantic:"account-id" description:"The account to deactivate."`
}

// DeactivatedAccount is the result of deactivate_account.
type DeactivatedAccount struct {
	Status      AccountStatus `json:"status" required:"true" description:"State of the account after the call."`
	Deactivated bool          `json:"deactivated" required:"true" description:"Legacy flag: true when the account was deactivated."`
}

// DeleteAccount is the payload of delete_account.
type DeleteAccount struct {
	AccountID string `json:"account_id" required:"true" semantic:"account-id" description:"The account to delete."`
}

// DeletedAccount is the result of delete_account.
type DeletedAccount struct {
	Status  AccountStatus `json:"status" required:"true" description:"State of the account after the call."`
	Deleted bool          `json:"deleted" required:"true" description:"Legacy flag: true when the account was deleted."`
}

// EntitlementRef names one entitlement held, or to be held, by one
// account: the values the assign and unassign payloads carry, in one
// shape. It is not a wire model; the payloads' embedded EntitlementGrant
// and EntitlementRevocation give it with Ref.
type EntitlementRef struct {
	// AccountID is the account's integration-specific id.
	AccountID string
	// ResourceType is one of the connector's declared resource type ids.
	ResourceType string
	// ResourceID is the resource's integration-specific id; empty for the
	// tenant-wide resource.
	ResourceID string
	// EntitlementType is one of the connector's declared entitlement type ids.
	EntitlementType string
	// EntitlementID is the entitlement's integration-specific id.
	EntitlementID string
}

// Grant is r as the grant payloads carry it.
func (r EntitlementRef) Grant() EntitlementGrant {
	return EntitlementGrant{
		AccountIntegrationSpecificID:     r.AccountID,
		ResourceIntegrationSpecificID:    r.ResourceID,
		ResourceType:                     r.ResourceType,
		EntitlementType:                  r.EntitlementType,
		EntitlementIntegrationSpecificID: r.EntitlementID,
	}
}

// Revocation is r as the revoke payloads carry it.
func (r EntitlementRef) Revocation() EntitlementRevocation {
	return EntitlementRevocation{
		AccountIntegrationSpecificID:     r.AccountID,
		ResourceType:                     r.ResourceType,
		ResourceIntegrationSpecificID:    r.ResourceID,
		EntitlementType:                  r.EntitlementType,
		EntitlementIntegrationSpecificID: r.EntitlementID,
	}
}

// EntitlementGrant is the entitlement reference of the grant payloads
// (assign_entitlement, assign_application_entitlement), embedded in them
// so that its keys appear where upstream lists them.
type EntitlementGrant struct {
	AccountIntegrationSpecificID     string `json:"account_integration_specific_id" required:"true" semantic:"account-id" description:"The account to grant the entitlement to."`
	ResourceIntegrationSpecificID    string `json:"resource_integration_specific_id" required:"true" description:"The resource the entitlement is held on; empty for the tenant-wide resource."`
	ResourceType                     string `json:"resource_type" required:"true" resourceType:"true" description:"One of the connector's declared resource type ids."`
	EntitlementType                  string `json:"entitlement_type" required:"true" entitlementType:"true" description:"One of the connector's declared entitlement type ids."`
	EntitlementIntegrationSpecificID string `json:"entitlement_integration_specific_id" required:"true" description:"The entitlement to grant."`
}

// Ref is the entitlement g grants.
func (g EntitlementGrant) Ref() EntitlementRef {
	return EntitlementRef{
		AccountID:       g.AccountIntegrationSpecificID,
		ResourceType:    g.ResourceType,
		ResourceID:      g.ResourceIntegrationSpecificID,
		EntitlementType: g.EntitlementType,
		EntitlementID:   g.EntitlementIntegrationSpecificID,
	}
}

// EntitlementRevocation is the entitlement reference of the revoke payloads
// (unassign_entitlement, unassign_application_entitlement). Upstream lists
// resource_type before resource_integration_specific_id here, the other
// way round from EntitlementGrant, so the two cannot be one type.
type EntitlementRevocation struct {
	AccountIntegrationSpecificID     string `json:"account_integration_specific_id" required:"true" semantic:"account-id" description:"The account to revoke the entitlement from."`
	ResourceType                     string `json:"resource_type" required:"true" resourceType:"true" description:"One of the connector's declared resource type ids."`
	ResourceIntegrationSpecificID    string `json:"resource_integration_specific_id" required:"true" description:"The resource the entitlement is held on; empty for the tenant-wide resource."`
	EntitlementType                  string `json:"entitlement_type" required:"true" entitlementType:"true" description:"One of the connector's declared entitlement type ids."`
	EntitlementIntegrationSpecificID string `json:"entitlement_integration_specific_id" required:"true" description:"The entitlement to revoke."`
}

// Ref is the entitlement r revokes.
func (r EntitlementRevocation) Ref() EntitlementRef {
	return EntitlementRef{
		AccountID:       r.AccountIntegrationSpecificID,
		ResourceType:    r.ResourceType,
		ResourceID:      r.ResourceIntegrationSpecificID,
		EntitlementType: r.EntitlementType,
		EntitlementID:   r.EntitlementIntegrationSpecificID,
	}
}

// AssignEntitlement is the payload of assign_entitlement.
type AssignEntitlement struct {
	EntitlementGrant
}

// AssignedEntitlement is the result of assign_entitlement.
type AssignedEntitlement struct {
	Assigned bool `json:"assigned" required:"true" description:"Always true; a grant that cannot be made is reported as an error."`
}

// UnassignEntitlement is the payload of unassign_entitlement. Its keys come
// in a different order from AssignEntitlement's, as upstream.
type UnassignEntitlement struct {
	EntitlementRevocation
}

// UnassignedEntitlement is the result of unassign_entitlement.
type UnassignedEntitlement struct {
	Unassigned bool `json:"unassigned" required:"true" description:"Whether the entitlement was revoked."`
}

// TransferData is the payload of transfer_data.
type TransferData struct {
	SourceAccountID string `json:"source_account_id" required:"true" semantic:"account-id" description:"The account whose data moves."`
	TargetAccountID string `json:"target_account_id" required:"true" semantic:"account-id" description:"The account that receives the data."`
}

// TransferDataStatus is the result of transfer_data.
type TransferDataStatus struct {
	Success bool    `json:"success" required:"true" description:"Whether the data was moved."`
	Reason  *string `json:"reason" description:"More about the outcome; expected when success is false."`
}

// ReleaseResources is the payload of release_resources.
type ReleaseResources struct {
	AccountID string `json:"account_id" required:"true" semantic:"account-id" description:"The account whose resources to free."`
}

// ReleaseResourcesStatus is the result of release_resources.
type ReleaseResourcesStatus struct {
	Success bool    `json:"success" required:"true" description:"Whether the resources were freed."`
	Reason  *string `json:"reason" description:"More about the outcome; expected when success is false."`
}

// DowngradeLicense is the payload of downgrade_license.
type DowngradeLicense struct {
	AccountID string `json:"account_id" required:"true" semantic:"account-id" description:"The account whose license to downgrade."`
}

// DowngradedLicense is the result of downgrade_license.
type DowngradedLicense struct {
	Success bool    `json:"success" required:"true" description:"Whether the license was downgraded."`
	Reason  *string `json:"reason" description:"More about the outcome; expected when success is false."`
}

// Request and response envelopes of the write capabilities.
type (
	CreateAccountRequest        = Request[CreatableAccount]
	CreateAccountResponse       = Response[CreatedAccount]
	UpdateAccountRequest        = Request[UpdateableAccount]
	UpdateAccountResponse       = Response[UpdateableAccount]
	ActivateAccountRequest      = Request[ActivateAccount]
	ActivateAccountResponse     = Response[ActivatedAccount]
	DeactivateAccountRequest    = Request[DeactivateAccount]
	DeactivateAccountResponse   = Response[DeactivatedAccount]
	DeleteAccountRequest        = Request[DeleteAccount]
	DeleteAccountResponse       = Response[DeletedAccount]
	AssignEntitlementRequest    = Request[AssignEntitlement]
	AssignEntitlementResponse   = Response[AssignedEntitlement]
	UnassignEntitlementRequest  = Request[UnassignEntitlement]
	UnassignEntitlementResponse = Response[UnassignedEntitlement]
	TransferDataRequest         = Request[TransferData]
	TransferDataResponse        = Response[TransferDataStatus]
	ReleaseResourcesRequest     = Request[ReleaseResources]
	ReleaseResourcesResponse    = Response[ReleaseResourcesStatus]
	DowngradeLicenseRequest     = Request[DowngradeLicense]
	DowngradeLicenseResponse    = Response[DowngradedLicense]
)
