package scim

import (
	"context"
	"net/http"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// serviceProviderConfig is the part of /ServiceProviderConfig read.
type serviceProviderConfig struct {
	Patch  struct{ Supported bool } `json:"patch"`
	Filter struct {
		Supported  bool `json:"supported"`
		MaxResults int  `json:"maxResults"`
	} `json:"filter"`
	Sort struct{ Supported bool } `json:"sort"`
}

// resourceType is the part of a /ResourceTypes entry read.
type resourceType struct {
	Name     string `json:"name"`
	Endpoint string `json:"endpoint"`
	Schema   string `json:"schema"`
}

// features is what validate_credentials learned of the server (logged at
// DEBUG); nil fields were not said.
type features struct {
	Patch         *bool    `json:"patch"`
	Filter        *bool    `json:"filter"`
	Sort          *bool    `json:"sort"`
	MaxResults    int      `json:"max_results"`
	Endpoints     []string `json:"endpoints"`
	SchemasListed bool     `json:"schemas_listed"`
}

// discover reads /ServiceProviderConfig, /ResourceTypes and /Schemas; a
// 404 (or 501) of any of them is skipped: many servers lack some.
func (ss *session) discover(ctx context.Context) (features, error) {
	var f features
	missing := func(err error) bool {
		st := statusOf(err)
		return st == http.StatusNotFound || st == http.StatusNotImplemented
	}
	var spc serviceProviderConfig
	switch _, err := ss.c.GetJSON(ctx, "/ServiceProviderConfig", &spc); {
	case err == nil:
		f.Patch, f.Filter, f.Sort = toolkit.Ptr(spc.Patch.Supported), toolkit.Ptr(spc.Filter.Supported), toolkit.Ptr(spc.Sort.Supported)
		f.MaxResults = spc.Filter.MaxResults
	case !missing(err):
		return f, err
	}
	var rts listResponse[resourceType]
	switch _, err := ss.c.GetJSON(ctx, "/ResourceTypes", &rts); {
	case err == nil:
		for _, rt := range rts.Resources {
			if rt != nil && rt.Endpoint != "" {
				f.Endpoints = append(f.Endpoints, rt.Endpoint)
			}
		}
	case !missing(err):
		return f, err
	}
	var schemas listResponse[struct{ ID string }]
	switch _, err := ss.c.GetJSON(ctx, "/Schemas", &schemas); {
	case err == nil:
		f.SchemasListed = true
	case !missing(err):
		return f, err
	}
	return f, nil
}

// validateCredentials learns the server's features, refuses settings the
// server says it cannot serve (filters off while filter_supported is set,
// users_path not among its resource types) and reads one Users page; the tenant id is tenantID(base_url).
func validateCredentials(ctx context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	f, err := ss.discover(ctx)
	if err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	toolkit.Logger(ctx).Debug("scim features", "patch", f.Patch, "filter", f.Filter, "sort", f.Sort, "max_results", f.MaxResults, "endpoints", f.Endpoints)
	if len(f.Endpoints) > 0 && !contains(f.Endpoints, ss.s.UsersPath) {
		return toolkit.ValidateCredentialsResponse{}, errs.Newf(errs.BadRequest,
			"Invalid settings: users_path %q is not among the server's resource type endpoints %v.", ss.s.UsersPath, f.Endpoints)
	}
	if f.Filter != nil && !*f.Filter && ss.s.FilterSupported {
		return toolkit.ValidateCredentialsResponse{}, errs.New(errs.BadRequest,
			"Invalid settings: the server's ServiceProviderConfig says filters are not supported; set filter_supported to false.")
	}
	var lr listResponse[user]
	if _, err := ss.c.GetJSON(ctx, listPath(ss.s.UsersPath, 1, 1, nil), &lr); err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: tenantID(ss.s.BaseURL)}}, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
