// Package errs holds the error vocabulary of the Lumos connector protocol:
// the error codes a connector may answer with and the error type a
// capability returns to choose one.
package errs

import (
	"errors"
	"fmt"
)

// ErrorCode is the machine-readable category of a failed capability call,
// sent as "error_code" in the error envelope.
type ErrorCode string

// The error codes of the protocol, with their exact wire values.
const (
	NotFound                    ErrorCode = "not_found"
	InternalError               ErrorCode = "internal_error"
	APIError                    ErrorCode = "api_error"
	Unauthorized                ErrorCode = "unauthorized"
	BadRequest                  ErrorCode = "bad_request"
	PermissionDenied            ErrorCode = "permission_denied"
	NotImplemented              ErrorCode = "not_implemented"
	UnexpectedError             ErrorCode = "unexpected_error"
	UnsupportedOperation        ErrorCode = "unsupported_operation"
	UnknownValue                ErrorCode = "unknown_value"
	InvalidValue                ErrorCode = "invalid_value"
	BadGateway                  ErrorCode = "bad_gateway"
	Unauthenticated             ErrorCode = "unauthenticated"
	RequestTimeout              ErrorCode = "request_timeout"
	ConnectionTimeout           ErrorCode = "connection_timeout"
	ConnectionRejected          ErrorCode = "connection_rejected"
	RateLimit                   ErrorCode = "rate_limit"
	AuthenticationExpired       ErrorCode = "authentication_expired"
	ServiceError                ErrorCode = "service_error"
	InvalidResponse             ErrorCode = "invalid_response"
	ClientCallError             ErrorCode = "client_call_error"
	ConnectionClosed            ErrorCode = "connection_closed"
	CredsRevoked                ErrorCode = "creds_revoked"
	InvalidPageToken            ErrorCode = "invalid_page_token"
	IntegrationMissingParameter ErrorCode = "integration_missing_parameter"
)

// allCodes lists every error code in the protocol's declared order.
var allCodes = []ErrorCode{
	NotFound, InternalError, APIError, Unauthorized, BadRequest, PermissionDenied, NotImplemented,
	UnexpectedError, UnsupportedOperation, UnknownValue, InvalidValue, BadGateway, Unauthenticated,
	RequestTimeout, ConnectionTimeout, ConnectionRejected, RateLimit, AuthenticationExpired, ServiceError,
	InvalidResponse, ClientCallError, ConnectionClosed, CredsRevoked, InvalidPageToken,
	IntegrationMissingParameter,
}

// Codes returns every error code of the protocol, in the protocol's order.
func Codes() []ErrorCode { return append([]ErrorCode(nil), allCodes...) }

// Enum lists the wire values, for JSON schema reflection.
func (ErrorCode) Enum() []any {
	out := make([]any, len(allCodes))
	for i, c := range allCodes {
		out[i] = string(c)
	}
	return out
}

// Valid reports whether c is one of the protocol's error codes.
func (c ErrorCode) Valid() bool {
	for _, k := range allCodes {
		if k == c {
			return true
		}
	}
	return false
}

// Error is a failure a capability reports on purpose: its message, error
// code and optional application error code reach the error envelope as given.
// It is the Go counterpart of upstream's ConnectorError.
type Error struct {
	Message      string    // human-readable explanation, sent as "message"
	Code         ErrorCode // sent as "error_code"
	AppErrorCode string    // connector-specific code, sent as "app_error_code" when not empty
	Err          error     // optional cause, kept for errors.Is/As; never sent on the wire
	// Hint tells an operator how to remedy the failure; the newer protocol
	// sends it as error_metadata.hint, 0.37 has no place for it.
	Hint string
}

// Error returns the message, as upstream's str(ConnectorError) does.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// New returns an *Error with the given code and message.
func New(code ErrorCode, message string) *Error { return &Error{Message: message, Code: code} }

// Newf returns an *Error with the given code and a formatted message.
func Newf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...), Code: code}
}

// Wrap returns an *Error with the given code and message that keeps err as its cause.
func Wrap(err error, code ErrorCode, message string) *Error {
	return &Error{Message: message, Code: code, Err: err}
}

// CodeOf returns the error code carried by err or any error it wraps, and
// false when none carries one.
func CodeOf(err error) (ErrorCode, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Code, true
	}
	return "", false
}
