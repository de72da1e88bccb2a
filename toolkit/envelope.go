package toolkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
)

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

// UnmarshalJSON reads a page as the protocol does. Its keys match exactly
// ("token", "size"; any other key is ignored), and size is a hint: any
// integral JSON number is accepted, 1e9 as well as 1000000000, and one
// beyond the range of int is read as the nearest int. The dispatch
// pipeline then brings it within the connector's limits (see
// Declaration.MaxPageSize). A size with a fraction, or that is not a
// number, is refused.
func (p *Page) UnmarshalJSON(b []byte) error {
	switch t := bytes.TrimSpace(b); {
	case len(t) == 0:
		return errors.New("lumos: no JSON value for a page")
	case bytes.Equal(t, []byte("null")):
		return nil
	case t[0] != '{':
		return &json.UnmarshalTypeError{Value: jsonKind(t), Type: reflect.TypeFor[Page]()}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return err
	}
	var out Page
	if raw, ok := members["token"]; ok {
		if err := json.Unmarshal(raw, &out.Token); err != nil {
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) {
				typ.Field = "token"
			}
			return err
		}
	}
	if raw, ok := members["size"]; ok && !isNull(raw) {
		number := string(bytes.TrimSpace(raw))
		size, ok := pageSize(number)
		if !ok || jsonKind(raw) != "number" {
			return &json.UnmarshalTypeError{Value: jsonKind(raw), Type: reflect.TypeFor[int](), Field: "size"}
		}
		out.Size = size
	}
	*p = out
	return nil
}

// pageSize reads a JSON number as a page size, exactly: ok is false
// unless its value is an integer (1e9 and 2.0 are; 1.5 and 1e-400 are
// not); beyond the range of int it is the nearest int.
func pageSize(number string) (int, bool) {
	sign := ""
	if rest, neg := strings.CutPrefix(number, "-"); neg {
		sign, number = "-", rest
	}
	mantissa, exponent, hasExp := strings.Cut(strings.ToLower(number), "e")
	whole, fraction, _ := strings.Cut(mantissa, ".")
	exp := int64(0)
	if hasExp {
		e, err := strconv.ParseInt(exponent, 10, 32) // out of range: the nearest int32, still decisive
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, false
		}
		exp = e
	}
	// The value is 0.<digits> × 10^point, digits without leading or trailing zeros.
	all := whole + fraction
	digits := strings.TrimLeft(all, "0")
	point := int64(len(whole)-(len(all)-len(digits))) + exp
	digits = strings.TrimRight(digits, "0")
	switch {
	case digits == "":
		return 0, true
	case int64(len(digits)) > point:
		return 0, false // a fraction
	case point > 19: // beyond int64
		if sign == "-" {
			return math.MinInt, true
		}
		return math.MaxInt, true
	}
	n, err := strconv.ParseInt(sign+digits+strings.Repeat("0", int(point)-len(digits)), 10, 0)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return int(n), true // on ErrRange, n is already the nearest int
}
