package toolkit

import "encoding/json"

// Request is the envelope every authenticated capability receives; P is the
// capability's payload model. The standard request types are aliases of its
// instantiations, e.g. ListAccountsRequest = Request[ListAccounts].
type Request[P any] struct {
	Auth           *AuthCredential  `json:"auth" description:"The single credential of a connector declared with one auth model."`
	Credentials    []AuthCredential `json:"credentials" description:"The credentials of a connector declared with several credential configs; each item names its config in id."`
	Request        P                `json:"request" required:"true" description:"The capability's own arguments."`
	IncludeRawData bool             `json:"include_raw_data" description:"Ask the connector to return the upstream responses it used in raw_data."`
	Page           *Page            `json:"page" description:"Which page to return: absent for the first page, else the page object of the previous response."`
	Settings       json.RawMessage  `json:"settings" description:"Connector-specific settings, shaped by the connector's settings schema."`
}

// Response is the success envelope of a capability; P is its payload. Keys
// are written in the order response, raw_data, page, execution_summary.
type Response[P any] struct {
	Response         P                 `json:"response" required:"true" description:"The capability's result."`
	RawData          any               `json:"raw_data" description:"The upstream responses behind the result, when include_raw_data was set."`
	Page             *Page             `json:"page" description:"Present when more data follows: send it back unchanged to get the next page. Null on the last page."`
	ExecutionSummary *ExecutionSummary `json:"execution_summary" description:"What a write capability changed, when the connector reports it."`
}

// Page selects or announces a page of a listing. Its token is opaque to the
// caller, which sends it back unchanged with the same size.
type Page struct {
	Token string `json:"token,omitempty" description:"Opaque position of the next page."`
	Size  int    `json:"size,omitempty" description:"Number of items per page."`
}

// ErrorResponse is the envelope of a failed call. It is written instead of
// the capability's Response and is recognised by is_error.
type ErrorResponse struct {
	IsError bool  `json:"is_error" description:"Always true: marks this document as an error."`
	Error   Error `json:"error" required:"true" description:"What went wrong."`
	RawData any   `json:"raw_data" description:"Upstream responses gathered before the failure, when requested."`
	Page    *Page `json:"page" description:"Unused in errors; kept for envelope symmetry."`
}

// Error describes a failed call inside an ErrorResponse.
type Error struct {
	Message      string    `json:"message" required:"true" description:"Human-readable explanation."`
	StatusCode   *int      `json:"status_code" description:"HTTP status of the upstream response that caused the failure, if any."`
	AppErrorCode *string   `json:"app_error_code" description:"Connector-specific error code, if any."`
	ErrorCode    ErrorCode `json:"error_code" required:"true" description:"Machine-readable category of the failure."`
	AppID        string    `json:"app_id" required:"true" description:"The connector that answered."`
	RaisedBy     *string   `json:"raised_by" description:"Name of the error type that caused the failure."`
	RaisedIn     *string   `json:"raised_in" description:"Where the failure was raised, as <package>:<capability>."`
}

// ExecutionSummary reports what a write capability did.
type ExecutionSummary struct {
	Effect             Effect  `json:"effect" required:"true" description:"The change made to the remote system."`
	RequestFingerprint string  `json:"request_fingerprint" required:"true" description:"SHA-256 of the canonical request payload, equal for equal requests."`
	IsIdempotent       bool    `json:"is_idempotent" required:"true" description:"Whether repeating the request is safe."`
	Description        *string `json:"description" description:"Free-text account of the execution."`
	CaughtErrors       []Error `json:"caught_errors" description:"Errors that were handled without failing the call."`
}

// Effect is the change a write capability made: created, updated, deleted,
// or noop with a reason.
type Effect struct {
	Kind   EffectKind       `json:"kind" required:"true" description:"What happened."`
	Reason NoopEffectReason `json:"reason,omitempty" description:"Why nothing changed; set only when kind is noop."`
}

// Ptr returns a pointer to v, for filling optional fields.
func Ptr[T any](v T) *T { return &v }

// UnauthenticatedRequest is the envelope of the OAuth capabilities, which run
// before a credential exists: it has no auth or credentials.
type UnauthenticatedRequest[P any] struct {
	Request        P               `json:"request" required:"true" description:"The capability's own arguments."`
	IncludeRawData bool            `json:"include_raw_data" description:"Ask the connector to return the upstream responses it used in raw_data."`
	Page           *Page           `json:"page" description:"Which page to return: absent for the first page, else the page object of the previous response."`
	Settings       json.RawMessage `json:"settings" description:"Connector-specific settings, shaped by the connector's settings schema."`
}
