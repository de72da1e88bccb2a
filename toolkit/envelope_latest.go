package toolkit

import (
	"reflect"

	"github.com/lumosgo/lumos/errs"
)

// ErrorLatest is the error of a failed call in the newer protocol: the
// 0.37 error (with a code of the newer set, see errs.Current) followed by
// error_metadata.
type ErrorLatest struct {
	Error
	ErrorMetadata *errs.Metadata `json:"error_metadata" description:"Classification of the failure derived from its code, and a hint."`
}

// ErrorResponseLatest is the envelope of a failed call in the newer
// protocol; it has the keys of ErrorResponse in the same order.
type ErrorResponseLatest struct {
	IsError bool        `json:"is_error" description:"Always true: marks this document as an error."`
	Error   ErrorLatest `json:"error" required:"true" description:"What went wrong."`
	RawData any         `json:"raw_data" description:"Upstream responses gathered before the failure, when requested."`
	Page    *Page       `json:"page" description:"Unused in errors; kept for envelope symmetry."`
}

// errorDocument is an error envelope of either protocol.
type errorDocument interface {
	codeAndMessage() (errs.ErrorCode, string)
}

func (e ErrorResponse) codeAndMessage() (errs.ErrorCode, string) {
	return e.Error.ErrorCode, e.Error.Message
}

func (e ErrorResponseLatest) codeAndMessage() (errs.ErrorCode, string) {
	return e.Error.ErrorCode, e.Error.Message
}

var rateLimitRequestType = reflect.TypeFor[RateLimitRequest]()
