package toolkit

import (
	"reflect"
	"strings"
)

// ProtocolVersion is the version of the protocol's models lumos matches:
// those of Lumos's connector-sdk-types package (with connector-py 4.184.0).
const ProtocolVersion = "0.37.0"

// CapabilityName names a capability, as the CLI subcommand and the key in
// `info`. The standard names are those of the Cap* descriptors (e.g.
// CapListAccounts.Name()); a custom capability has a name of its own.
type CapabilityName string

// Capability describes one standard capability of the protocol: its wire
// name and the request and response envelope types of its handler. The
// Cap* variables are the only values; register a handler for one with
// Handle, which the compiler checks against Req and Resp.
type Capability[Req, Resp any] struct{ spec *capSpec }

// Name is the capability's wire name, e.g. "list_accounts".
func (c Capability[Req, Resp]) Name() CapabilityName { return c.spec.name }

// String returns the wire name.
func (c Capability[Req, Resp]) String() string { return string(c.spec.name) }

// capSpec is what the protocol fixes for a standard capability.
type capSpec struct {
	name         CapabilityName
	level        Level
	summary      string       // one line, for help
	request      reflect.Type // the request envelope; nil for names lumos answers itself (info)
	response     reflect.Type // the success envelope
	customizable bool         // the payload and result may be extended (create_account, update_account)
	builtin      bool         // provided by lumos itself; connectors cannot register it
}

// standard lists the standard capabilities in the protocol's order; every
// define call appends one, so this table is the only list of them.
var standard []*capSpec

// define declares a standard capability whose handler is
// func(context.Context, Req) (Resp, error).
func define[Req, Resp any](name CapabilityName, level Level, summary string, opts ...func(*capSpec)) Capability[Req, Resp] {
	s := &capSpec{name: name, level: level, summary: summary, request: reflect.TypeFor[Req](), response: reflect.TypeFor[Resp]()}
	for _, o := range opts {
		o(s)
	}
	standard = append(standard, s)
	return Capability[Req, Resp]{s}
}

// answeredByLumos marks a name the lumos command answers without a handler.
func answeredByLumos(s *capSpec) { s.request, s.response, s.builtin = nil, nil, true }

// builtin marks a capability lumos registers on every integration itself.
func builtin(s *capSpec) { s.builtin = true }

// extendable marks a capability whose payload and result a connector may extend.
func extendable(s *capSpec) { s.customizable = true }

// noEnvelope stands for the types of a capability no handler implements.
type noEnvelope struct{}

// The standard capabilities, in the protocol's order (that of its
// StandardCapabilityName enum). The order of these declarations is the
// order of StandardCapabilityNames.
var (
	CapAppInfo = define[AppInfoRequest, AppInfoResponse]("app_info", LevelSpec,
		"Describe the connector as an OpenAPI document.", builtin)
	CapInfo = define[noEnvelope, noEnvelope]("info", LevelSpec,
		"Describe the connector: its capabilities, settings and credentials.", answeredByLumos)
	CapConnectedInfo = define[noEnvelope, noEnvelope]("connected_info", LevelSpec,
		"Describe the connector as connected to a tenant.", answeredByLumos)
	CapActivateAccount = define[ActivateAccountRequest, ActivateAccountResponse]("activate_account", LevelWrite,
		"Turn an account on.")
	CapAssignEntitlement = define[AssignEntitlementRequest, AssignEntitlementResponse]("assign_entitlement", LevelWrite,
		"Grant an entitlement to an account.")
	CapCreateAccount = define[CreateAccountRequest, CreateAccountResponse]("create_account", LevelWrite,
		"Create an account with the entitlements it must start with.", extendable)
	CapUpdateAccount = define[UpdateAccountRequest, UpdateAccountResponse]("update_account", LevelWrite,
		"Change an existing account's fields.", extendable)
	CapDeactivateAccount = define[DeactivateAccountRequest, DeactivateAccountResponse]("deactivate_account", LevelWrite,
		"Turn an account off without removing it.")
	CapDeleteAccount = define[DeleteAccountRequest, DeleteAccountResponse]("delete_account", LevelWrite,
		"Remove an account.")
	CapFindEntitlementAssociations = define[FindEntitlementAssociationsRequest, FindEntitlementAssociationsResponse]("find_entitlement_associations", LevelRead,
		"List who holds which entitlement, page by page.")
	CapGetAccountEntitlementAssociations = define[GetAccountEntitlementAssociationsRequest, GetAccountEntitlementAssociationsResponse]("get_account_entitlement_associations", LevelRead,
		"List the entitlements one account holds.")
	CapGetAuthorizationURL = define[GetAuthorizationURLRequest, GetAuthorizationURLResponse]("get_authorization_url", LevelAuth,
		"Build the URL that starts an OAuth authorization-code flow.")
	CapGetLastActivity = define[GetLastActivityRequest, GetLastActivityResponse]("get_last_activity", LevelRead,
		"Report when the given accounts were last active.")
	CapHandleAuthorizationCallback = define[HandleAuthorizationCallbackRequest, HandleAuthorizationCallbackResponse]("handle_authorization_callback", LevelAuth,
		"Trade an OAuth redirect's code for tokens.")
	CapHandleClientCredentialsRequest = define[HandleClientCredentialsRequestRequest, HandleClientCredentialsRequestResponse]("handle_client_credentials_request", LevelAuth,
		"Get tokens with an OAuth client-credentials grant.")
	CapListAccounts = define[ListAccountsRequest, ListAccountsResponse]("list_accounts", LevelRead,
		"List the tenant's accounts, page by page.")
	CapListUpdatedAccounts = define[ListUpdatedAccountsRequest, ListUpdatedAccountsResponse]("list_updated_accounts", LevelRead,
		"List the accounts changed since a time or a cursor.")
	CapGetAccount = define[GetAccountRequest, GetAccountResponse]("get_account", LevelRead,
		"Fetch one account by its id.")
	CapGetDataRecency = define[GetDataRecencyRequest, GetDataRecencyResponse]("get_data_recency", LevelRead,
		"Tell how fresh the data behind each capability is.")
	CapListActivityRecords = define[ListActivityRecordsRequest, ListActivityRecordsResponse]("list_activity_records", LevelRead,
		"List what the given accounts did since a date, page by page.")
	CapListCustomAttributesSchema = define[ListCustomAttributesSchemaRequest, ListCustomAttributesSchemaResponse]("list_custom_attributes_schema", LevelRead,
		"Describe the custom attributes the connector can fill in.")
	CapListEntitlements = define[ListEntitlementsRequest, ListEntitlementsResponse]("list_entitlements", LevelRead,
		"List the entitlements that can be held, page by page.")
	CapListExpenses = define[ListExpensesRequest, ListExpensesResponse]("list_expenses", LevelRead,
		"List expenses and card transactions, page by page.")
	CapListResources = define[ListResourcesRequest, ListResourcesResponse]("list_resources", LevelRead,
		"List the resources entitlements are held on, page by page.")
	CapRefreshAccessToken = define[RefreshAccessTokenRequest, RefreshAccessTokenResponse]("refresh_access_token", LevelAuth,
		"Trade a refresh token for a new access token.")
	CapUnassignEntitlement = define[UnassignEntitlementRequest, UnassignEntitlementResponse]("unassign_entitlement", LevelWrite,
		"Revoke an entitlement from an account.")
	CapValidateCredentials = define[ValidateCredentialsRequest, ValidateCredentialsResponse]("validate_credentials", LevelRead,
		"Check that the credentials and settings reach the tenant.")
	CapTransferData = define[TransferDataRequest, TransferDataResponse]("transfer_data", LevelWrite,
		"Move one account's data to another account.")
	CapReleaseResources = define[ReleaseResourcesRequest, ReleaseResourcesResponse]("release_resources", LevelWrite,
		"Free the resources an account holds.")
	CapDowngradeLicense = define[DowngradeLicenseRequest, DowngradeLicenseResponse]("downgrade_license", LevelWrite,
		"Move an account to a cheaper license.")
	CapAssignApplication = define[AssignApplicationRequest, AssignApplicationResponse]("assign_application", LevelWrite,
		"Give an account access to an application.")
	CapGetApplication = define[GetApplicationRequest, GetApplicationResponse]("get_application", LevelRead,
		"Fetch one application instance by its id.")
	CapGetApplicationAccount = define[GetApplicationAccountRequest, GetApplicationAccountResponse]("get_application_account", LevelRead,
		"Fetch one account's access to one application.")
	CapListApplications = define[ListApplicationsRequest, ListApplicationsResponse]("list_applications", LevelRead,
		"List the application instances, page by page.")
	CapListApplicationsAccounts = define[ListApplicationsAccountsRequest, ListApplicationsAccountsResponse]("list_applications_accounts", LevelRead,
		"List which accounts have access to which application, page by page.")
	CapListApplicationsActivityRecords = define[ListApplicationsActivityRecordsRequest, ListApplicationsActivityRecordsResponse]("list_applications_activity_records", LevelRead,
		"List what the given accounts did in the applications, page by page.")
	CapListApplicationsEntitlements = define[ListApplicationsEntitlementsRequest, ListApplicationsEntitlementsResponse]("list_applications_entitlements", LevelRead,
		"List the entitlements inside the applications, page by page.")
	CapListApplicationsResources = define[ListApplicationsResourcesRequest, ListApplicationsResourcesResponse]("list_applications_resources", LevelRead,
		"List the resources inside the applications, page by page.")
	CapUnassignApplication = define[UnassignApplicationRequest, UnassignApplicationResponse]("unassign_application", LevelWrite,
		"Take an account's access to an application away.")
	CapListApplicationsEntitlementAssociations = define[ListApplicationsEntitlementAssociationsRequest, ListApplicationsEntitlementAssociationsResponse]("list_applications_entitlement_associations", LevelRead,
		"List who holds which entitlement inside the applications, page by page.")
	CapUnassignApplicationEntitlement = define[UnassignApplicationEntitlementRequest, UnassignApplicationEntitlementResponse]("unassign_application_entitlement", LevelWrite,
		"Revoke an entitlement inside an application from an account.")
	CapAssignApplicationEntitlement = define[AssignApplicationEntitlementRequest, AssignApplicationEntitlementResponse]("assign_application_entitlement", LevelWrite,
		"Grant an entitlement inside an application to an account.")
	CapValidateCredentialConfig = define[ValidateCredentialConfigRequest, ValidateCredentialConfigResponse]("validate_credential_config", LevelValidation,
		"Check one credential against its credential config.")
)

// StandardCapabilityNames returns every standard capability name, in the
// protocol's order, including those lumos answers itself (info).
func StandardCapabilityNames() []CapabilityName {
	out := make([]CapabilityName, len(standard))
	for i, s := range standard {
		out[i] = s.name
	}
	return out
}

// standardSpec returns the standard capability called name, or nil.
func standardSpec(name CapabilityName) *capSpec {
	for _, s := range standard {
		if s.name == name {
			return s
		}
	}
	return nil
}

// IsStandard reports whether n is one of the protocol's standard names.
func (n CapabilityName) IsStandard() bool { return standardSpec(n) != nil }

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

// pascal is the name in PascalCase, e.g. "ListAccounts".
func (n CapabilityName) pascal() string { return strings.ReplaceAll(n.DisplayName(), " ", "") }

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
