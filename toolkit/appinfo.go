package toolkit

import "context"

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

// appInfoHandler is the app_info capability every integration gets.
func (in *Integration) appInfoHandler(ctx context.Context, req AppInfoRequest) (AppInfoResponse, error) {
	schema, err := appInfoDocument(ctx, in, req)
	if err != nil {
		return AppInfoResponse{}, err
	}
	return AppInfoResponse{Response: AppInfo{AppID: in.decl.AppID, AppSchema: schema}}, nil
}
