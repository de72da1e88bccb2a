package errs_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
)

// timeoutError is a net.Error that timed out.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// refusedErr dials a loopback port nothing listens on.
func refusedErr(t *testing.T) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		t.Fatal("dial succeeded")
	}
	return err
}

func TestDescribe(t *testing.T) {
	var syntaxErr error = json.Unmarshal([]byte("{nope"), new(any))
	_, headerErr := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	if headerErr != nil {
		t.Fatal(headerErr)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/", nil)
	req.Header.Set("Authorization", "Bearer a\nb")
	_, headerErr = http.DefaultClient.Do(req)

	status := &errs.HTTPStatusError{StatusCode: 404, URL: "https://api.example.com/orgs/acme?token=s3cret#x",
		Body: []byte(`{"message":"Not Found"}`)}
	tests := []struct {
		name     string
		err      error
		code     errs.ErrorCode
		message  string // exact, or a prefix ending in "…"
		status   int
		raisedBy string
	}{
		{"connector error", errs.New(errs.NotFound, "no such org"), errs.NotFound, "no such org", 0, "errs.Error"},
		{"wrapped connector error", fmt.Errorf("listing: %w", &errs.Error{Message: "slow", Code: errs.RateLimit, AppErrorCode: "E1"}), errs.RateLimit, "slow", 0, "errs.Error"},
		{"http status without handler", status, errs.UnexpectedError, `[404][https://api.example.com/orgs/acme] {"message":"Not Found"}`, 404, "errs.HTTPStatusError"},
		{"wrapped http status", fmt.Errorf("get org: %w", status), errs.UnexpectedError, `[404][https://api.example.com/orgs/acme] {"message":"Not Found"}`, 404, "errs.HTTPStatusError"},
		{"dns", fmt.Errorf("get: %w", &net.DNSError{Err: "no such host", Name: "nope.invalid", IsNotFound: true}), errs.APIError, errs.MessageConnectFailed, 0, "net.DNSError"},
		{"connection refused", refusedErr(t), errs.APIError, errs.MessageConnectFailed, 0, "net.OpError"},
		{"bad upstream json", fmt.Errorf("decode: %w", syntaxErr), errs.APIError, "Failed to parse JSON response: invalid character 'n' looking for beginning of object key string", 0, "json.SyntaxError"},
		{"illegal header", headerErr, errs.BadRequest, errs.MessageIllegalHeader, 0, "url.Error"},
		{"dial timeout", &net.OpError{Op: "dial", Net: "tcp", Err: timeoutError{}}, errs.ConnectionTimeout, "dial tcp: i/o timeout", 0, "net.OpError"},
		{"read timeout", &net.OpError{Op: "read", Net: "tcp", Err: timeoutError{}}, errs.RequestTimeout, "read tcp: i/o timeout", 0, "net.OpError"},
		{"deadline", fmt.Errorf("list: %w", context.DeadlineExceeded), errs.RequestTimeout, "list: context deadline exceeded", 0, "context.deadlineExceededError"},
		{"cancelled", fmt.Errorf("list: %w", context.Canceled), errs.UnexpectedError, "The call was cancelled before it finished.", 0, "errors.errorString"},
		{"anything else", errors.New("boom"), errs.UnexpectedError, "boom", 0, "errors.errorString"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			d := errs.Describe(tt.err, nil)
			is.Equal(d.Code, tt.code)
			is.Equal(d.Message, tt.message)
			is.Equal(d.StatusCode, tt.status)
			is.Equal(d.RaisedBy, tt.raisedBy)
		})
	}
}

func TestHTTPHandlerStatusTable(t *testing.T) {
	rules := []errs.Rule{{Match: errs.Is[*errs.HTTPStatusError](), Handler: errs.HTTPHandler}}
	tests := []struct {
		status int
		code   errs.ErrorCode
	}{
		{400, errs.BadRequest}, {401, errs.Unauthorized}, {403, errs.PermissionDenied}, {404, errs.NotFound},
		{429, errs.RateLimit}, {502, errs.BadGateway}, {503, errs.BadGateway}, {504, errs.BadGateway},
		{409, errs.APIError}, {422, errs.APIError}, {500, errs.APIError}, {501, errs.APIError}, {302, errs.APIError},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			is := is.New(t)
			err := fmt.Errorf("call: %w", &errs.HTTPStatusError{StatusCode: tt.status, URL: "https://x/y"})
			d := errs.Describe(err, rules)
			is.Equal(d.Code, tt.code)
			is.Equal(d.StatusCode, tt.status)
		})
	}
}

func TestRulesRunInOrderAndSkipConnectorErrors(t *testing.T) {
	is := is.New(t)
	type quotaError struct{ error }
	rules := []errs.Rule{
		{Match: errs.Is[*errs.HTTPStatusError](), Handler: errs.HTTPHandler},
		{Match: func(err error) bool { var q quotaError; return errors.As(err, &q) }, Code: errs.RateLimit},
		{Match: errs.Is[*errs.HTTPStatusError](), Handler: errs.HandlerFunc(func(_ error, d *errs.Details) { d.AppErrorCode = "UPSTREAM" })},
	}
	d := errs.Describe(&errs.HTTPStatusError{StatusCode: 401}, rules)
	is.Equal(d.Code, errs.Unauthorized)
	is.Equal(d.AppErrorCode, "UPSTREAM") // the later rule ran too
	is.Equal(d.Message, "[401] ")
	d = errs.Describe(quotaError{errors.New("quota")}, rules)
	is.Equal(d.Code, errs.RateLimit)
	d = errs.Describe(errs.New(errs.NotFound, "x"), []errs.Rule{{Match: func(error) bool { return true }, Code: errs.APIError}})
	is.Equal(d.Code, errs.NotFound) // rules never override a connector's own error
}

func TestHTTPStatusErrorMessage(t *testing.T) {
	is := is.New(t)
	long := strings.Repeat("é", errs.MaxBodyInMessage)
	msg := (&errs.HTTPStatusError{StatusCode: 500, URL: "https://user:pw@x.example/a?b=c", Body: []byte(long)}).Error()
	is.True(strings.HasPrefix(msg, "[500][https://x.example/a] éé"))
	is.True(strings.HasSuffix(msg, "…"))
	is.True(!strings.Contains(msg, "pw"))         // no user info
	is.True(len(msg) < errs.MaxBodyInMessage+100) // the body is cut
	is.Equal(errs.URLWithoutQuery("not a url\x7f?q=1"), "not a url\x7f")
}
