package toolkit

import "encoding/json"

// CustomRequest is the envelope of a capability a connector defines itself
// (see HandleCustom); P is its payload. Unlike the standard envelope, the
// settings key must be present (it may be null).
type CustomRequest[P any] struct {
	Auth           *AuthCredential  `json:"auth" description:"The single credential of a connector declared with one auth model."`
	Credentials    []AuthCredential `json:"credentials" description:"The credentials of a connector declared with several credential configs."`
	Page           *Page            `json:"page" description:"Which page to return, for paged capabilities."`
	IncludeRawData bool             `json:"include_raw_data" description:"Ask the connector to return the upstream responses it used in raw_data."`
	Settings       json.RawMessage  `json:"settings" required:"true" nullable:"true" description:"Connector-specific settings; the key is required, null is allowed."`
	Request        P                `json:"request" required:"true" description:"The capability's own arguments."`
}

// CustomResponse is the success envelope of a custom capability. As
// upstream, its keys come in the order page, raw_data, response.
type CustomResponse[R any] struct {
	Page     *Page `json:"page" description:"Present when more data follows."`
	RawData  any   `json:"raw_data" description:"The upstream responses behind the result, when include_raw_data was set."`
	Response R     `json:"response" required:"true" description:"The capability's result."`
}

func (r *CustomRequest[P]) envelopeFields() envelopeView {
	return envelopeView{r.Auth, r.Credentials, r.Settings, r.Page, r.IncludeRawData}
}
