package errs_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
)

func TestCodesAreTheProtocols(t *testing.T) {
	is := is.New(t)
	codes := errs.Codes()
	is.Equal(len(codes), 25)
	is.Equal(codes[0], errs.NotFound)
	is.Equal(codes[11], errs.BadGateway)
	is.Equal(codes[24], errs.IntegrationMissingParameter)
	seen := map[errs.ErrorCode]bool{}
	for _, c := range codes {
		is.True(c.Valid())
		is.True(!seen[c]) // no duplicates
		seen[c] = true
	}
	is.True(!errs.ErrorCode("teapot").Valid())
	is.Equal(len(errs.ErrorCode("").Enum()), 25)
	codes[0] = "changed"
	is.Equal(errs.Codes()[0], errs.NotFound) // Codes returns a copy
}

func TestCodeOfLooksThroughWrapping(t *testing.T) {
	tests := []struct {
		name string
		err  error
		code errs.ErrorCode
		ok   bool
	}{
		{"direct", errs.New(errs.NotFound, "x"), errs.NotFound, true},
		{"formatted", errs.Newf(errs.RateLimit, "wait %ds", 3), errs.RateLimit, true},
		{"wrapped by fmt", fmt.Errorf("listing: %w", errs.New(errs.Unauthorized, "bad token")), errs.Unauthorized, true},
		{"joined", errors.Join(errors.New("a"), errs.New(errs.APIError, "b")), errs.APIError, true},
		{"plain", errors.New("boom"), "", false},
		{"nil", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			code, ok := errs.CodeOf(tt.err)
			is.Equal(code, tt.code)
			is.Equal(ok, tt.ok)
		})
	}
}

func TestErrorMessageAndCause(t *testing.T) {
	is := is.New(t)
	cause := errors.New("connection reset")
	err := errs.Wrap(cause, errs.APIError, "The API failed.")
	is.Equal(err.Error(), "The API failed.")
	is.True(errors.Is(err, cause))
	is.Equal(errs.Newf(errs.BadRequest, "%d items", 3).Message, "3 items")
}
