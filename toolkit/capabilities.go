package toolkit

import (
	"slices"
	"strings"
)

// ProtocolVersion is the version of the protocol's models lumos matches:
// those of Lumos's connector-sdk-types package (with connector-py 4.184.0).
const ProtocolVersion = "0.37.0"

// CapabilityName names a capability, as the CLI subcommand and the key in
// `info`. The standard names are the constants below.
type CapabilityName string

// The standard capability names of the protocol, with their exact wire values.
const (
	CapAppInfo                                 CapabilityName = "app_info"
	CapInfo                                    CapabilityName = "info"
	CapConnectedInfo                           CapabilityName = "connected_info"
	CapActivateAccount                         CapabilityName = "activate_account"
	CapAssignEntitlement                       CapabilityName = "assign_entitlement"
	CapCreateAccount                           CapabilityName = "create_account"
	CapUpdateAccount                           CapabilityName = "update_account"
	CapDeactivateAccount                       CapabilityName = "deactivate_account"
	CapDeleteAccount                           CapabilityName = "delete_account"
	CapFindEntitlementAssociations             CapabilityName = "find_entitlement_associations"
	CapGetAccountEntitlementAssociations       CapabilityName = "get_account_entitlement_associations"
	CapGetAuthorizationURL                     CapabilityName = "get_authorization_url"
	CapGetLastActivity                         CapabilityName = "get_last_activity"
	CapHandleAuthorizationCallback             CapabilityName = "handle_authorization_callback"
	CapHandleClientCredentialsRequest          CapabilityName = "handle_client_credentials_request"
	CapListAccounts                            CapabilityName = "list_accounts"
	CapListUpdatedAccounts                     CapabilityName = "list_updated_accounts"
	CapGetAccount                              CapabilityName = "get_account"
	CapGetDataRecency                          CapabilityName = "get_data_recency"
	CapListActivityRecords                     CapabilityName = "list_activity_records"
	CapListCustomAttributesSchema              CapabilityName = "list_custom_attributes_schema"
	CapListEntitlements                        CapabilityName = "list_entitlements"
	CapListExpenses                            CapabilityName = "list_expenses"
	CapListResources                           CapabilityName = "list_resources"
	CapRefreshAccessToken                      CapabilityName = "refresh_access_token"
	CapUnassignEntitlement                     CapabilityName = "unassign_entitlement"
	CapValidateCredentials                     CapabilityName = "validate_credentials"
	CapTransferData                            CapabilityName = "transfer_data"
	CapReleaseResources                        CapabilityName = "release_resources"
	CapDowngradeLicense                        CapabilityName = "downgrade_license"
	CapAssignApplication                       CapabilityName = "assign_application"
	CapGetApplication                          CapabilityName = "get_application"
	CapGetApplicationAccount                   CapabilityName = "get_application_account"
	CapListApplications                        CapabilityName = "list_applications"
	CapListApplicationsAccounts                CapabilityName = "list_applications_accounts"
	CapListApplicationsActivityRecords         CapabilityName = "list_applications_activity_records"
	CapListApplicationsEntitlements            CapabilityName = "list_applications_entitlements"
	CapListApplicationsResources               CapabilityName = "list_applications_resources"
	CapUnassignApplication                     CapabilityName = "unassign_application"
	CapListApplicationsEntitlementAssociations CapabilityName = "list_applications_entitlement_associations"
	CapUnassignApplicationEntitlement          CapabilityName = "unassign_application_entitlement"
	CapAssignApplicationEntitlement            CapabilityName = "assign_application_entitlement"
	CapValidateCredentialConfig                CapabilityName = "validate_credential_config"
)

// standardNames lists every StandardCapabilityName value in the protocol's order.
var standardNames = []CapabilityName{
	CapAppInfo, CapInfo, CapConnectedInfo, CapActivateAccount, CapAssignEntitlement, CapCreateAccount, CapUpdateAccount,
	CapDeactivateAccount, CapDeleteAccount, CapFindEntitlementAssociations, CapGetAccountEntitlementAssociations,
	CapGetAuthorizationURL, CapGetLastActivity, CapHandleAuthorizationCallback, CapHandleClientCredentialsRequest,
	CapListAccounts, CapListUpdatedAccounts, CapGetAccount, CapGetDataRecency, CapListActivityRecords,
	CapListCustomAttributesSchema, CapListEntitlements, CapListExpenses, CapListResources,
	CapRefreshAccessToken, CapUnassignEntitlement, CapValidateCredentials, CapTransferData, CapReleaseResources,
	CapDowngradeLicense, CapAssignApplication, CapGetApplication, CapGetApplicationAccount, CapListApplications,
	CapListApplicationsAccounts, CapListApplicationsActivityRecords, CapListApplicationsEntitlements,
	CapListApplicationsResources, CapUnassignApplication, CapListApplicationsEntitlementAssociations,
	CapUnassignApplicationEntitlement, CapAssignApplicationEntitlement, CapValidateCredentialConfig,
}

// StandardCapabilityNames returns every standard capability name, in the
// protocol's order, including those that cannot be registered yet.
func StandardCapabilityNames() []CapabilityName { return slices.Clone(standardNames) }

// IsStandard reports whether n is one of the protocol's standard names.
func (n CapabilityName) IsStandard() bool { return slices.Contains(standardNames, n) }

// DisplayName is the default human name of a capability: its words in Title
// Case, e.g. "List Accounts".
func (n CapabilityName) DisplayName() string {
	words := strings.Split(string(n), "_")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// Level classifies a capability for `info`, specs and help.
type Level string

// Capability levels.
const (
	LevelRead       Level = "read"
	LevelWrite      Level = "write"
	LevelValidation Level = "validation"
	LevelAuth       Level = "authorization"
	LevelSpec       Level = "specification"
)

// annotate marks a payload schema with the level as upstream does:
// x-capability-level for read, write and validation capabilities,
// x-capability-category for authorization and specification ones.
func (l Level) annotate(schema map[string]any) {
	switch l {
	case LevelAuth, LevelSpec:
		schema["x-capability-category"] = string(l)
	default:
		schema["x-capability-level"] = string(l)
	}
}
