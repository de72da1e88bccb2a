package errs

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"syscall"
)

// Details is the error part of an error envelope while it is being built.
// Handlers adjust it.
type Details struct {
	Message      string    // sent as "message"
	Code         ErrorCode // sent as "error_code"
	StatusCode   int       // sent as "status_code" when not 0
	AppErrorCode string    // sent as "app_error_code" when not empty
	RaisedBy     string    // sent as "raised_by": the Go type of the error, e.g. "errs.HTTPStatusError"
	Hint         string    // sent as error_metadata.hint in the newer protocol, when not empty
}

// Handler adjusts the envelope of an error it recognises: the Go
// counterpart of upstream's exception handler classes.
type Handler interface {
	Handle(err error, d *Details)
}

// HandlerFunc lets a function be a Handler.
type HandlerFunc func(err error, d *Details)

// Handle calls f.
func (f HandlerFunc) Handle(err error, d *Details) { f(err, d) }

// Rule is one entry of a connector's error handlers, like upstream's
// (ExceptionClass, Handler, code) tuples: when Match accepts an error,
// Handler runs (if set) and then Code, if set, replaces the code.
type Rule struct {
	Match   func(error) bool
	Handler Handler
	Code    ErrorCode
}

// Is returns a matcher accepting errors that are, or wrap, an error of type T.
func Is[T error]() func(error) bool {
	return func(err error) bool {
		var t T
		return errors.As(err, &t)
	}
}

// HTTPHandler is the standard handler for *HTTPStatusError: it sets the
// code from the status, as HTTPStatusCode does.
var HTTPHandler Handler = HandlerFunc(func(err error, d *Details) {
	var he *HTTPStatusError
	if errors.As(err, &he) {
		d.Code = HTTPStatusCode(he.StatusCode)
	}
})

// Fixed messages upstream uses for some failures.
const (
	MessageConnectFailed = "Failed to connect to the API. Please verify the URL or try at a later time due to a potential temporary network issue."
	MessageIllegalHeader = "Illegal header constructed for API request. Please check the app configuration and try again."
)

// Describe classifies an error returned by a capability into the error
// envelope's details, as upstream's exception handling does:
//
//   - an *Error keeps its code, message and app error code, and rules do not run;
//   - otherwise the code is unexpected_error unless one of these applies:
//     an *HTTPStatusError gives its status and a "[status][url] body" message;
//     a DNS failure or refused connection is api_error with a fixed message;
//     malformed upstream JSON is api_error ("Failed to parse JSON response: ...");
//     an invalid header is bad_request with a fixed message;
//     a timeout while connecting is connection_timeout, any other timeout or an
//     expired deadline request_timeout; a cancelled call is unexpected_error;
//   - then every matching rule runs in order (the last one wins).
//
// Wrapped errors are looked through with errors.As and errors.Is.
func Describe(err error, rules []Rule) Details {
	d := Details{Message: err.Error(), Code: UnexpectedError, RaisedBy: TypeName(err)}
	var he *HTTPStatusError
	if errors.As(err, &he) {
		d.StatusCode, d.Message, d.RaisedBy = he.StatusCode, he.Error(), "errs.HTTPStatusError"
	}
	var ce *Error
	if errors.As(err, &ce) {
		d.Message, d.Code, d.AppErrorCode, d.RaisedBy, d.Hint = ce.Message, ce.Code, ce.AppErrorCode, "errs.Error", ce.Hint
		return d
	}
	var syntaxErr *json.SyntaxError
	var timeout interface{ Timeout() bool }
	switch {
	case inChain(err, "*net.DNSError") != nil || errors.Is(err, syscall.ECONNREFUSED) ||
		strings.Contains(strings.ToLower(err.Error()), "name or service not known"):
		d.Code, d.Message = APIError, MessageConnectFailed
	case errors.As(err, &syntaxErr):
		d.Code, d.Message = APIError, "Failed to parse JSON response: "+syntaxErr.Error()
	case strings.Contains(err.Error(), "invalid header field") || strings.Contains(err.Error(), "Illegal header"):
		d.Code, d.Message = BadRequest, MessageIllegalHeader
	case isDialTimeout(err):
		d.Code = ConnectionTimeout
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &timeout) && timeout.Timeout()):
		d.Code = RequestTimeout
	case errors.Is(err, context.Canceled):
		d.Code, d.Message = UnexpectedError, "The call was cancelled before it finished."
	}
	for _, r := range rules {
		if r.Match == nil || !r.Match(err) {
			continue
		}
		if r.Handler != nil {
			r.Handler.Handle(err, &d)
		}
		if r.Code != "" {
			d.Code = r.Code
		}
	}
	return d
}

// Network errors are recognised by their type names rather than with package
// net's types: errs stays free of net, so a connector without HTTP (the
// mock) links no network stack.

// inChain returns the first error in err's chain whose Go type is typeName.
func inChain(err error, typeName string) error {
	var found error
	walkChain(err, func(e error) bool {
		if reflect.TypeOf(e).String() == typeName {
			found = e
			return false
		}
		return true
	})
	return found
}

// walkChain calls f on err and every error it wraps, depth first, until f returns false.
func walkChain(err error, f func(error) bool) bool {
	if err == nil {
		return true
	}
	if !f(err) {
		return false
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return walkChain(u.Unwrap(), f)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if !walkChain(e, f) {
				return false
			}
		}
	}
	return true
}

// isDialTimeout reports whether err is a *net.OpError of a dial that timed out.
func isDialTimeout(err error) bool {
	op := inChain(err, "*net.OpError")
	if op == nil {
		return false
	}
	t, ok := op.(interface{ Timeout() bool })
	v := reflect.ValueOf(op).Elem().FieldByName("Op")
	return ok && t.Timeout() && v.IsValid() && v.Kind() == reflect.String && v.String() == "dial"
}

// wrappers are the standard library's wrapping types, which name no cause.
var wrappers = map[string]bool{"*fmt.wrapError": true, "*fmt.wrapErrors": true, "*errors.joinError": true}

// TypeName names the error that describes a failure: the first error in the
// chain that is not a mere wrapper from fmt.Errorf or errors.Join, as
// "<package>.<Type>" without the pointer star.
func TypeName(err error) string {
	for err != nil {
		name := reflect.TypeOf(err).String()
		if !wrappers[name] {
			return strings.TrimPrefix(name, "*")
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			errs := u.Unwrap()
			if len(errs) == 0 {
				return strings.TrimPrefix(name, "*")
			}
			err = errs[len(errs)-1]
		default:
			return strings.TrimPrefix(name, "*")
		}
	}
	return ""
}
