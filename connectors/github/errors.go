package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/lumosgo/lumos/errs"
)

// ghError is GitHub's error body: basic-error or validation-error.
type ghError struct {
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url"`
	Errors           []struct {
		Resource string `json:"resource"`
		Field    string `json:"field"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		Value    any    `json:"value"`
	} `json:"errors"`
}

// parseGitHubError reads GitHub's error body of an upstream failure, if any.
func parseGitHubError(err error) (*errs.HTTPStatusError, ghError) {
	var he *errs.HTTPStatusError
	var body ghError
	if errors.As(err, &he) {
		_ = json.Unmarshal(he.Body, &body)
	}
	return he, body
}

// githubMessage is GitHub's own explanation of a failure: its message and
// the details of a validation error, or the status text without a body.
func githubMessage(err error) string {
	he, body := parseGitHubError(err)
	if he == nil {
		return err.Error()
	}
	msg := strings.TrimSpace(body.Message)
	var details []string
	for _, e := range body.Errors {
		switch {
		case e.Message != "":
			details = append(details, e.Message)
		case e.Code != "":
			d := e.Code
			if e.Field != "" {
				d = e.Field + " " + e.Code
			}
			if e.Resource != "" {
				d = e.Resource + "." + d
			}
			if e.Value != nil {
				d += fmt.Sprintf(" (%v)", e.Value)
			}
			details = append(details, d)
		}
	}
	if len(details) > 0 {
		msg = strings.TrimSuffix(msg, ".") + ": " + strings.Join(details, "; ")
	}
	if msg == "" {
		text := strings.TrimSpace(string(he.Body))
		if len(text) > 300 || strings.HasPrefix(text, "<") {
			text = ""
		}
		msg = strings.TrimSpace(fmt.Sprintf("%d %s %s", he.StatusCode, http.StatusText(he.StatusCode), text))
	}
	return msg
}

// ssoURL is where a token is authorized for an organization's SAML SSO,
// from GitHub's X-GitHub-SSO header ("required; url=…").
func ssoURL(he *errs.HTTPStatusError) string {
	for k, vs := range he.Header {
		if !strings.EqualFold(k, "X-GitHub-SSO") {
			continue
		}
		for _, v := range vs {
			for _, part := range strings.Split(v, ";") {
				if u, ok := strings.CutPrefix(strings.TrimSpace(part), "url="); ok {
					return u
				}
			}
			if v != "" {
				return "-" // SSO enforced, no URL given
			}
		}
	}
	return ""
}

// describeHTTPError is the connector's rule for upstream failures it did
// not classify itself: the code from the status, GitHub's own message (with
// the SSO authorization URL for SAML enforcement), and where it answered.
func describeHTTPError(err error, d *errs.Details) {
	he, _ := parseGitHubError(err)
	if he == nil {
		return
	}
	d.Code = errs.HTTPStatusCode(he.StatusCode)
	switch he.StatusCode {
	case http.StatusUnprocessableEntity, http.StatusBadRequest:
		d.Code = errs.BadRequest
	case http.StatusUnauthorized:
		d.Code = errs.Unauthorized
	case http.StatusConflict, http.StatusGone:
		d.Code = errs.InvalidValue
	}
	msg := githubMessage(err)
	if u := ssoURL(he); u != "" {
		d.Code = errs.PermissionDenied
		if u != "-" {
			msg = strings.TrimSuffix(msg, ".") + ". Authorize the token for the organization's SAML single sign-on at " + u
		}
	}
	d.Message = fmt.Sprintf("GitHub: %s (%d from %s %s)", msg, he.StatusCode, he.Method, errs.URLWithoutQuery(he.URL))
}

// classified reports whether err already carries an error code (such as
// the client's rate_limit), which context must not override.
func classified(err error) bool {
	_, ok := errs.CodeOf(err)
	return ok
}

// status is the HTTP status of an unclassified upstream failure, else 0.
func status(err error) int {
	if classified(err) {
		return 0
	}
	var he *errs.HTTPStatusError
	if errors.As(err, &he) {
		return he.StatusCode
	}
	return 0
}

// orgNotFound turns a 404 from an organization endpoint into not_found
// naming the organization; other errors pass unchanged.
func orgNotFound(err error, org string) error {
	if status(err) != http.StatusNotFound {
		return err
	}
	return errs.Wrap(err, errs.NotFound, fmt.Sprintf(
		"GitHub organization %q was not found, or these credentials cannot see it (GitHub answered 404 Not Found).", org))
}

// ownerOnly turns a 404 from an endpoint GitHub shows only to organization
// owners into permission_denied with a hint; what is 404 for everyone
// (an unknown organization) was ruled out by an earlier request.
func ownerOnly(err error, org, what string) error {
	if status(err) != http.StatusNotFound {
		return err
	}
	return errs.Wrap(err, errs.PermissionDenied, fmt.Sprintf(
		"GitHub answered 404 Not Found for the %s of %q: they are visible only to organization owners (or to a GitHub App with the Members permission).", what, org))
}

func pathEscape(s string) string { return url.PathEscape(s) }
