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
	f, _ := resp.FieldByName("Response")
	return signature{request: req, response: resp, level: level, summary: summary, resultIndex: f.Index[0]}
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
}
