package github

import (
	"context"
	"strconv"

	"github.com/lumosgo/lumos/toolkit"
)

// validateCredentials checks that the organization is reachable (GET
// /orgs/{org}) and that the credentials can read its members (one member
// page of one); the tenant id is the organization's numeric id, which
// survives renames.
func validateCredentials(ctx context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	o, err := ss.organization(ctx)
	if err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	var us []user
	if _, err := ss.get(ctx, ss.orgPath("/members?per_page=1"), &us); err != nil {
		return toolkit.ValidateCredentialsResponse{}, orgNotFound(err, ss.s.Org)
	}
	return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: strconv.FormatInt(o.ID, 10)}}, nil
}
