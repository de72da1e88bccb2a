package toolkit

import (
	"context"
	"sync/atomic"

	"github.com/lumosgo/lumos/errs"
)

// AppInfoRequestPayload is the payload of app_info; it has no fields.
type AppInfoRequestPayload struct{}

// AppInfo is the result of app_info: the connector's own OpenAPI document.
type AppInfo struct {
	AppID     string         `json:"app_id" required:"true" description:"The connector's app id."`
	AppSchema map[string]any `json:"app_schema" required:"true" description:"The connector's OpenAPI 3.0 document: its capabilities, settings and credentials."`
}

// Request and response envelopes of app_info.
type (
	AppInfoRequest  = Request[AppInfoRequestPayload]
	AppInfoResponse = Response[AppInfo]
)

// AppInfoFunc builds a connector's app_info document. Package openapi
// provides it and installs it with SetAppInfoFunc when it is linked in; the
// toolkit cannot import it without importing upward.
type AppInfoFunc func(ctx context.Context, in *Integration, req AppInfoRequest) (map[string]any, error)

var appInfoFunc atomic.Pointer[AppInfoFunc]

// SetAppInfoFunc installs the builder behind every connector's app_info.
func SetAppInfoFunc(f AppInfoFunc) { appInfoFunc.Store(&f) }

// appInfoHandler is the app_info capability every integration gets.
func (in *Integration) appInfoHandler(ctx context.Context, req AppInfoRequest) (AppInfoResponse, error) {
	f := appInfoFunc.Load()
	if f == nil || *f == nil {
		return AppInfoResponse{}, errs.New(errs.NotImplemented,
			"app_info needs the OpenAPI builder: import github.com/lumosgo/lumos/openapi")
	}
	schema, err := (*f)(ctx, in, req)
	if err != nil {
		return AppInfoResponse{}, err
	}
	return AppInfoResponse{Response: AppInfo{AppID: in.decl.AppID, AppSchema: schema}}, nil
}
