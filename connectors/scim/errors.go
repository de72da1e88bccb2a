package scim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/errs"
)

// scimError is a SCIM error body (RFC 7644 §3.12).
type scimError struct {
	Schemas  []string        `json:"schemas"`
	Status   json.RawMessage `json:"status"` // a string per the RFC; some servers send a number
	ScimType string          `json:"scimType"`
	Detail   string          `json:"detail"`
}

// parseSCIMError reads the SCIM error body of an upstream failure, if any.
func parseSCIMError(err error) (*errs.HTTPStatusError, scimError) {
	var he *errs.HTTPStatusError
	var body scimError
	if errors.As(err, &he) {
		_ = json.Unmarshal(he.Body, &body)
	}
	return he, body
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

// serverMessage is the server's own explanation: its detail (with the
// scimType), else a short body, else the status text.
func serverMessage(he *errs.HTTPStatusError, body scimError) string {
	msg := strings.TrimSpace(body.Detail)
	if body.ScimType != "" {
		if msg == "" {
			msg = body.ScimType
		} else {
			msg = body.ScimType + ": " + msg
		}
	}
	if msg == "" {
		text := strings.TrimSpace(string(he.Body))
		if len(text) > 300 || strings.HasPrefix(text, "<") || strings.HasPrefix(text, "{") {
			text = ""
		}
		msg = strings.TrimSpace(strconv.Itoa(he.StatusCode) + " " + http.StatusText(he.StatusCode) + " " + text)
	}
	return msg
}

// describeHTTPError maps an upstream failure to an error code, with the
// SCIM server's detail in the message: uniqueness (or 409) → bad_request
// naming the conflict, 400 → bad_request, 401 → unauthorized, 403 →
// permission_denied, 404 → not_found; others by their status.
func describeHTTPError(err error, d *errs.Details) {
	he, body := parseSCIMError(err)
	if he == nil {
		return
	}
	d.Code = errs.HTTPStatusCode(he.StatusCode)
	msg := serverMessage(he, body)
	switch {
	case body.ScimType == "uniqueness" || he.StatusCode == http.StatusConflict:
		d.Code = errs.BadRequest
		msg = "uniqueness conflict, a value is already in use: " + msg
	case he.StatusCode == http.StatusBadRequest:
		d.Code = errs.BadRequest
	case he.StatusCode == http.StatusUnauthorized:
		d.Code = errs.Unauthorized
	case he.StatusCode == http.StatusForbidden:
		d.Code = errs.PermissionDenied
	case he.StatusCode == http.StatusNotFound:
		d.Code = errs.NotFound
	}
	d.Message = fmt.Sprintf("SCIM: %s (%d from %s %s)", msg, he.StatusCode, he.Method, errs.URLWithoutQuery(he.URL))
}

// notFound turns a 404 into not_found naming what was missing; other
// errors pass unchanged.
func notFound(err error, what string) error {
	if statusOf(err) != http.StatusNotFound {
		return err
	}
	he, body := parseSCIMError(err)
	return errs.Wrap(err, errs.NotFound, fmt.Sprintf("%s was not found (SCIM: %s).", what, serverMessage(he, body)))
}
