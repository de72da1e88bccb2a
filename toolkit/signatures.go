package toolkit

import "reflect"

// signature is what the protocol fixes for a standard capability: its
// request and response envelope types and a one-line summary for help.
type signature struct {
	request      reflect.Type
	response     reflect.Type
	level        Level
	summary      string
	customizable bool // the payload may be extended by the connector (create_account, update_account)
	resultIndex  int  // index of the envelope's "response" field
}

func sig[Req, Resp any](level Level, summary string) signature {
	return newSignature(reflect.TypeFor[Req](), reflect.TypeFor[Resp](), level, summary)
}

func newSignature(req, resp reflect.Type, level Level, summary string) signature {
	s := signature{request: req, response: resp, level: level, summary: summary}
	if isGeneric(resp, "CustomResponse") {
		s.resultIndex = 2 // page, raw_data, response; checked by TestEnvelopeLayout
	}
	return s
}

// signatures holds the standard capabilities that can be registered today.
// Adding one is one line here plus its models.
var signatures = map[CapabilityName]signature{
	CapAppInfo: sig[AppInfoRequest, AppInfoResponse](LevelSpec,
		"Describe the connector as an OpenAPI document."),
	CapValidateCredentials: sig[ValidateCredentialsRequest, ValidateCredentialsResponse](LevelRead,
		"Check that the credentials and settings reach the tenant."),
	CapListAccounts: sig[ListAccountsRequest, ListAccountsResponse](LevelRead,
		"List the tenant's accounts, page by page."),
	CapGetAccount: sig[GetAccountRequest, GetAccountResponse](LevelRead,
		"Fetch one account by its id."),
	CapListResources: sig[ListResourcesRequest, ListResourcesResponse](LevelRead,
		"List the resources entitlements are held on, page by page."),
	CapListEntitlements: sig[ListEntitlementsRequest, ListEntitlementsResponse](LevelRead,
		"List the entitlements that can be held, page by page."),
	CapFindEntitlementAssociations: sig[FindEntitlementAssociationsRequest, FindEntitlementAssociationsResponse](LevelRead,
		"List who holds which entitlement, page by page."),
	CapGetAccountEntitlementAssociations: sig[GetAccountEntitlementAssociationsRequest, GetAccountEntitlementAssociationsResponse](LevelRead,
		"List the entitlements one account holds."),
	CapGetLastActivity: sig[GetLastActivityRequest, GetLastActivityResponse](LevelRead,
		"Report when the given accounts were last active."),
	CapListCustomAttributesSchema: sig[ListCustomAttributesSchemaRequest, ListCustomAttributesSchemaResponse](LevelRead,
		"Describe the custom attributes the connector can fill in."),

	// Write capabilities.
	CapCreateAccount: sig[CreateAccountRequest, CreateAccountResponse](LevelWrite,
		"Create an account with the entitlements it must start with.").withCustomizable(),
	CapUpdateAccount: sig[UpdateAccountRequest, UpdateAccountResponse](LevelWrite,
		"Change an existing account's fields.").withCustomizable(),
	CapActivateAccount: sig[ActivateAccountRequest, ActivateAccountResponse](LevelWrite,
		"Turn an account on."),
	CapDeactivateAccount: sig[DeactivateAccountRequest, DeactivateAccountResponse](LevelWrite,
		"Turn an account off without removing it."),
	CapDeleteAccount: sig[DeleteAccountRequest, DeleteAccountResponse](LevelWrite,
		"Remove an account."),
	CapAssignEntitlement: sig[AssignEntitlementRequest, AssignEntitlementResponse](LevelWrite,
		"Grant an entitlement to an account."),
	CapUnassignEntitlement: sig[UnassignEntitlementRequest, UnassignEntitlementResponse](LevelWrite,
		"Revoke an entitlement from an account."),
	CapTransferData: sig[TransferDataRequest, TransferDataResponse](LevelWrite,
		"Move one account's data to another account."),
	CapReleaseResources: sig[ReleaseResourcesRequest, ReleaseResourcesResponse](LevelWrite,
		"Free the resources an account holds."),
	CapDowngradeLicense: sig[DowngradeLicenseRequest, DowngradeLicenseResponse](LevelWrite,
		"Move an account to a cheaper license."),

	// Delta and extra reads.
	CapListUpdatedAccounts: sig[ListUpdatedAccountsRequest, ListUpdatedAccountsResponse](LevelRead,
		"List the accounts changed since a time or a cursor."),
	CapGetDataRecency: sig[GetDataRecencyRequest, GetDataRecencyResponse](LevelRead,
		"Tell how fresh the data behind each capability is."),
	CapListActivityRecords: sig[ListActivityRecordsRequest, ListActivityRecordsResponse](LevelRead,
		"List what the given accounts did since a date, page by page."),
	CapListExpenses: sig[ListExpensesRequest, ListExpensesResponse](LevelRead,
		"List expenses and card transactions, page by page."),

	// OAuth: these run before a credential exists.
	CapGetAuthorizationURL: sig[GetAuthorizationURLRequest, GetAuthorizationURLResponse](LevelAuth,
		"Build the URL that starts an OAuth authorization-code flow."),
	CapHandleAuthorizationCallback: sig[HandleAuthorizationCallbackRequest, HandleAuthorizationCallbackResponse](LevelAuth,
		"Trade an OAuth redirect's code for tokens."),
	CapHandleClientCredentialsRequest: sig[HandleClientCredentialsRequestRequest, HandleClientCredentialsRequestResponse](LevelAuth,
		"Get tokens with an OAuth client-credentials grant."),
	CapRefreshAccessToken: sig[RefreshAccessTokenRequest, RefreshAccessTokenResponse](LevelAuth,
		"Trade a refresh token for a new access token."),

	// Validation: the credential travels in the payload, not in auth/credentials.
	CapValidateCredentialConfig: sig[ValidateCredentialConfigRequest, ValidateCredentialConfigResponse](LevelValidation,
		"Check one credential against its credential config."),

	// Applications, for connectors that front several applications.
	CapListApplications: sig[ListApplicationsRequest, ListApplicationsResponse](LevelRead,
		"List the application instances, page by page."),
	CapListApplicationsAccounts: sig[ListApplicationsAccountsRequest, ListApplicationsAccountsResponse](LevelRead,
		"List which accounts have access to which application, page by page."),
	CapListApplicationsActivityRecords: sig[ListApplicationsActivityRecordsRequest, ListApplicationsActivityRecordsResponse](LevelRead,
		"List what the given accounts did in the applications, page by page."),
	CapListApplicationsEntitlements: sig[ListApplicationsEntitlementsRequest, ListApplicationsEntitlementsResponse](LevelRead,
		"List the entitlements inside the applications, page by page."),
	CapListApplicationsResources: sig[ListApplicationsResourcesRequest, ListApplicationsResourcesResponse](LevelRead,
		"List the resources inside the applications, page by page."),
	CapListApplicationsEntitlementAssociations: sig[ListApplicationsEntitlementAssociationsRequest, ListApplicationsEntitlementAssociationsResponse](LevelRead,
		"List who holds which entitlement inside the applications, page by page."),
	CapGetApplication: sig[GetApplicationRequest, GetApplicationResponse](LevelRead,
		"Fetch one application instance by its id."),
	CapGetApplicationAccount: sig[GetApplicationAccountRequest, GetApplicationAccountResponse](LevelRead,
		"Fetch one account's access to one application."),
	CapAssignApplication: sig[AssignApplicationRequest, AssignApplicationResponse](LevelWrite,
		"Give an account access to an application."),
	CapUnassignApplication: sig[UnassignApplicationRequest, UnassignApplicationResponse](LevelWrite,
		"Take an account's access to an application away."),
	CapAssignApplicationEntitlement: sig[AssignApplicationEntitlementRequest, AssignApplicationEntitlementResponse](LevelWrite,
		"Grant an entitlement inside an application to an account."),
	CapUnassignApplicationEntitlement: sig[UnassignApplicationEntitlementRequest, UnassignApplicationEntitlementResponse](LevelWrite,
		"Revoke an entitlement inside an application from an account."),
}

// withCustomizable marks a signature whose payload and result a connector may extend.
func (s signature) withCustomizable() signature {
	s.customizable = true
	return s
}
