package okta

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/lumosgo/lumos/errs"
)

// Okta error codes the connector maps (see Okta's error code reference).
const (
	codeValidation   = "E0000001" // API validation failed: the causes say which field
	codeForbidden    = "E0000006" // you do not have permission to perform the requested action
	codeNotFound     = "E0000007" // not found: resource
	codeInvalidToken = "E0000011" // invalid token provided
	codeInvalidAuthz = "E0000015" // the feature or scope is not available to the caller
	codeRateLimit    = "E0000047" // API call exceeded rate limit
)

// oktaError is Okta's error body.
type oktaError struct {
	ErrorCode    string `json:"errorCode"`
	ErrorSummary string `json:"errorSummary"`
	ErrorLink    string `json:"errorLink"`
	ErrorID      string `json:"errorId"`
	ErrorCauses  []struct {
		ErrorSummary string `json:"errorSummary"`
	} `json:"errorCauses"`
}

// parseOktaError reads Okta's error body of an upstream failure, if any.
func parseOktaError(err error) (*errs.HTTPStatusError, oktaError) {
	var he *errs.HTTPStatusError
	var body oktaError
	if errors.As(err, &he) {
		_ = json.Unmarshal(he.Body, &body)
	}
	return he, body
}

// oktaMessage is Okta's own explanation: its errorSummary with the causes,
// its errorCode and errorId, else the status text.
func oktaMessage(he *errs.HTTPStatusError, body oktaError) string {
	msg := strings.TrimSpace(body.ErrorSummary)
	var causes []string
	for _, c := range body.ErrorCauses {
		if s := strings.TrimSpace(c.ErrorSummary); s != "" {
			causes = append(causes, s)
		}
	}
	if len(causes) > 0 {
		msg = strings.TrimSuffix(msg, ".") + ": " + strings.Join(causes, "; ")
	}
	if msg == "" {
		text := strings.TrimSpace(string(he.Body))
		if len(text) > 300 || strings.HasPrefix(text, "<") || strings.HasPrefix(text, "{") {
			text = ""
		}
		msg = strings.TrimSpace(fmt.Sprintf("%d %s %s", he.StatusCode, http.StatusText(he.StatusCode), text))
	}
	var ids []string
	if body.ErrorCode != "" {
		ids = append(ids, body.ErrorCode)
	}
	if body.ErrorID != "" {
		ids = append(ids, "errorId "+body.ErrorID)
	}
	if len(ids) > 0 {
		msg += " [" + strings.Join(ids, ", ") + "]"
	}
	return msg
}

// codeFor is the Lumos error code of an Okta failure: by errorCode first,
// then by status.
func codeFor(status int, errorCode string) errs.ErrorCode {
	switch errorCode {
	case codeInvalidToken:
		return errs.Unauthorized
	case codeForbidden, codeInvalidAuthz:
		return errs.PermissionDenied
	case codeNotFound:
		return errs.NotFound
	case codeValidation:
		return errs.BadRequest
	case codeRateLimit:
		return errs.RateLimit
	}
	switch status {
	case http.StatusBadRequest:
		return errs.BadRequest
	case http.StatusUnauthorized:
		return errs.Unauthorized
	case http.StatusForbidden:
		return errs.PermissionDenied
	case http.StatusNotFound:
		return errs.NotFound
	}
	return errs.HTTPStatusCode(status)
}

// describeHTTPError is the connector's rule for upstream failures it did
// not classify itself: the code from Okta's errorCode (else the status),
// Okta's summary and causes, and where it answered.
func describeHTTPError(err error, d *errs.Details) {
	he, body := parseOktaError(err)
	if he == nil {
		return
	}
	d.Code = codeFor(he.StatusCode, body.ErrorCode)
	d.Message = fmt.Sprintf("Okta: %s (%d from %s %s)", oktaMessage(he, body), he.StatusCode, he.Method, errs.URLWithoutQuery(he.URL))
}

// statusOf is the HTTP status of an unclassified upstream failure, else 0.
func statusOf(err error) int {
	if _, ok := errs.CodeOf(err); ok {
		return 0
	}
	var he *errs.HTTPStatusError
	if errors.As(err, &he) {
		return he.StatusCode
	}
	return 0
}

// notFound turns a 404 into not_found naming what was missing; other
// errors pass unchanged.
func notFound(err error, what string) error {
	if statusOf(err) != http.StatusNotFound {
		return err
	}
	he, body := parseOktaError(err)
	return errs.Wrap(err, errs.NotFound, fmt.Sprintf("%s was not found (Okta: %s).", what, oktaMessage(he, body)))
}
