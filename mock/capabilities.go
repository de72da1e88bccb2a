package mock

import (
	"context"
	"encoding/json"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// tenantOf reads the tenant the request's settings describe.
func tenantOf(raw json.RawMessage) (tenant, error) {
	_, t, err := settingsOf(raw)
	return t, err
}

// settingsOf reads the request's settings and the tenant they describe.
func settingsOf(raw json.RawMessage) (Settings, tenant, error) {
	s, err := toolkit.DecodeSettings[Settings](raw)
	if err != nil {
		return Settings{}, tenant{}, err
	}
	if s.TenantSize < 0 || s.TenantSize > MaxTenantSize {
		return Settings{}, tenant{}, errs.Newf(errs.BadRequest, "Invalid settings: tenant_size must be between 0 and %d", MaxTenantSize)
	}
	return s, tenant{size: s.TenantSize}, nil
}

// listOf pages through a listing of total items made by item.
func listOf[T any](capability toolkit.CapabilityName, page *toolkit.Page, total int64, item func(int64) T) (toolkit.Response[[]T], error) {
	return listIn(scopeOf(capability), page, total, item)
}

// listIn is listOf with an explicit page token scope.
func listIn[T any](scope string, page *toolkit.Page, total int64, item func(int64) T) (toolkit.Response[[]T], error) {
	start, end, next, err := windowIn(scope, page, total)
	if err != nil {
		return toolkit.Response[[]T]{}, err
	}
	out := make([]T, 0, end-start)
	for j := start; j < end; j++ {
		out = append(out, item(j))
	}
	return toolkit.Response[[]T]{Response: out, Page: next}, nil
}

func validateCredentials(_ context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
	if _, err := tenantOf(req.Settings); err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	if b := req.Auth.Basic; b.Username == "" || b.Password == "" {
		return toolkit.ValidateCredentialsResponse{}, errs.New(errs.Unauthorized, "The mock rejects an empty username or password.")
	}
	return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: TenantID}}, nil
}

func listAccounts(_ context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	start, end, next, err := window(toolkit.CapListAccounts.Name(), req.Page, t.size)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	return toolkit.ListAccountsResponse{Response: t.accounts(start, end, req.Request.CustomAttributes), Page: next}, nil
}

func getAccount(_ context.Context, req toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	i, ok := t.accountIndex(req.Request.AccountID)
	if !ok {
		return toolkit.GetAccountResponse{}, errs.Newf(errs.NotFound, "Account '%s' not found", req.Request.AccountID)
	}
	return toolkit.GetAccountResponse{Response: t.account(i, req.Request.CustomAttributes)}, nil
}

func listResources(_ context.Context, req toolkit.ListResourcesRequest) (toolkit.ListResourcesResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	return listOf(toolkit.CapListResources.Name(), req.Page, t.resourceCount(), t.resource)
}

func listEntitlements(_ context.Context, req toolkit.ListEntitlementsRequest) (toolkit.ListEntitlementsResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	attrs := req.Request.CustomAttributes
	return listOf(toolkit.CapListEntitlements.Name(), req.Page, t.entitlementCount(),
		func(j int64) toolkit.FoundEntitlementData { return t.entitlement(j, attrs) })
}

func findEntitlementAssociations(_ context.Context, req toolkit.FindEntitlementAssociationsRequest) (toolkit.FindEntitlementAssociationsResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.FindEntitlementAssociationsResponse{}, err
	}
	return listOf(toolkit.CapFindEntitlementAssociations.Name(), req.Page, 2*t.size, t.association)
}

func getAccountEntitlementAssociations(_ context.Context, req toolkit.GetAccountEntitlementAssociationsRequest) (toolkit.GetAccountEntitlementAssociationsResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	i, ok := t.accountIndex(req.Request.AccountID)
	if !ok {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, errs.Newf(errs.NotFound, "Account '%s' not found", req.Request.AccountID)
	}
	return toolkit.GetAccountEntitlementAssociationsResponse{
		Response: []toolkit.FoundEntitlementAssociation{t.association(2 * i), t.association(2*i + 1)},
	}, nil
}

func getLastActivity(_ context.Context, req toolkit.GetLastActivityRequest) (toolkit.GetLastActivityResponse, error) {
	t, err := tenantOf(req.Settings)
	if err != nil {
		return toolkit.GetLastActivityResponse{}, err
	}
	out := []toolkit.LastActivityData{}
	for _, id := range req.Request.AccountIDs {
		if i, ok := t.accountIndex(id); ok {
			if a, ok := t.lastActivity(i); ok {
				out = append(out, a)
			}
		}
	}
	return toolkit.GetLastActivityResponse{Response: out}, nil
}

func listCustomAttributesSchema(_ context.Context, _ toolkit.ListCustomAttributesSchemaRequest) (toolkit.ListCustomAttributesSchemaResponse, error) {
	return toolkit.ListCustomAttributesSchemaResponse{Response: customAttributes}, nil
}
