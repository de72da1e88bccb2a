package githubfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// SpecFile is the trimmed GitHub OpenAPI description, relative to the module
// root (regenerate with scripts/trimspec).
const SpecFile = "testdata/github/api.github.com.trimmed.json"

// SpecPath locates SpecFile: next to this package's source (../../../) or by
// walking up from the working directory to the module root.
func SpecPath() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "..", "..", "..", filepath.FromSlash(SpecFile))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, filepath.FromSlash(SpecFile))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("githubfake: %s not found above the working directory", SpecFile)
		}
		dir = parent
	}
}

// Validator checks HTTP exchanges against an OpenAPI description with
// kin-openapi: requests (path, query, body) and responses (status, headers,
// body), with undocumented statuses treated as violations, except the
// cross-cutting responses GitHub sends on any operation (see Check).
type Validator struct {
	doc    *openapi3.T
	router routers.Router
}

var (
	validatorsMu sync.Mutex
	validators   = map[string]*Validator{}
)

// LoadValidator loads (once per path and process) a description and builds
// its router.
func LoadValidator(path string) (*Validator, error) {
	validatorsMu.Lock()
	defer validatorsMu.Unlock()
	if v := validators[path]; v != nil {
		return v, nil
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("githubfake: loading %s: %w", path, err)
	}
	doc.Servers = nil // match paths on any host (the fake listens on loopback)
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	if err != nil {
		return nil, fmt.Errorf("githubfake: %s: %w", path, err)
	}
	v := &Validator{doc: doc, router: router}
	validators[path] = v
	return v, nil
}

// Violation is a request or response that does not match the description.
type Violation struct {
	Method string
	Path   string // request path as received (with query)
	Status int
	Reason string
}

func (v Violation) Error() string {
	return fmt.Sprintf("%s %s -> %d: %s", v.Method, v.Path, v.Status, v.Reason)
}

// Exchange is one request and its response, as Check takes it.
type Exchange struct {
	Request     *http.Request
	RequestBody []byte
	// APIPath is the request path as the description spells it (without a
	// prefix such as /api/v3, aliases resolved); "" means Request.URL.Path.
	APIPath string
	Status  int
	Header  http.Header
	Body    []byte
}

// knownForbidden are 403 messages GitHub sends on any operation, whether or
// not the description lists 403 for it.
var knownForbidden = []string{
	"API rate limit exceeded",
	"You have exceeded a secondary rate limit",
	"Resource protected by organization SAML enforcement",
	"Resource not accessible by",
	"This installation has been suspended",
	"Request forbidden by administrative rules",
}

// Check validates one exchange and returns every violation found:
//
//   - the operation must be in the description and the request must match it
//     (a request the description rejects must be answered with a 4xx);
//   - a documented status is validated against the operation's response
//     (headers, content type, body schema);
//   - an undocumented status is accepted only for GitHub's cross-cutting
//     responses: 400/401/404 with a basic-error body, 422 with a
//     validation-error body, and 403/429 when they carry a rate-limit signal
//     (X-RateLimit-Remaining 0 or a secondary-rate-limit documentation_url),
//     X-GitHub-SSO, or one of GitHub's generic 403 messages;
//   - every REST response carries X-RateLimit-Limit/Remaining/Reset/Used
//     (integers) and X-RateLimit-Resource.
func (v *Validator) Check(x Exchange) []Violation {
	path := x.Request.URL.Path
	if x.Request.URL.RawQuery != "" {
		path += "?" + x.Request.URL.RawQuery
	}
	var out []Violation
	add := func(format string, args ...any) {
		out = append(out, Violation{Method: x.Request.Method, Path: path, Status: x.Status, Reason: fmt.Sprintf(format, args...)})
	}

	vreq := x.Request.Clone(context.Background())
	if x.APIPath != "" {
		vreq.URL.Path = x.APIPath
		vreq.URL.RawPath = ""
	}
	vreq.Body = io.NopCloser(bytes.NewReader(x.RequestBody))
	vreq.ContentLength = int64(len(x.RequestBody))
	route, params, err := v.router.FindRoute(vreq)
	if err != nil {
		add("no operation in the description for %s %s: %v", vreq.Method, vreq.URL.Path, err)
		return out
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && x.Status < 400 {
		add("request does not match %s %s, yet the fake accepted it: %v", route.Method, route.Path, err)
	}

	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used"} {
		if _, err := strconv.ParseInt(x.Header.Get(h), 10, 64); err != nil {
			add("header %s is missing or not an integer (%q)", h, x.Header.Get(h))
		}
	}
	if x.Header.Get("X-RateLimit-Resource") == "" {
		add("header X-RateLimit-Resource is missing")
	}

	if route.Operation.Responses.Status(x.Status) != nil || route.Operation.Responses.Default() != nil {
		rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.Status, Header: x.Header, Options: opts}
		rin.SetBodyBytes(x.Body)
		if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
			add("response does not match %s %s: %v", route.Method, route.Path, err)
		}
		return out
	}
	if reason := v.crossCutting(x); reason != "" {
		add("status %d is not documented for %s %s and %s", x.Status, route.Method, route.Path, reason)
	}
	return out
}

// crossCutting checks an undocumented status; "" means acceptable.
func (v *Validator) crossCutting(x Exchange) string {
	var body struct {
		Message          string `json:"message"`
		DocumentationURL string `json:"documentation_url"`
	}
	isJSON := strings.HasPrefix(x.Header.Get("Content-Type"), "application/json")
	if isJSON {
		_ = json.Unmarshal(x.Body, &body)
	}
	rateSignal := x.Header.Get("X-RateLimit-Remaining") == "0" || strings.HasSuffix(body.DocumentationURL, "secondary-rate-limits")
	schema := "basic-error"
	switch x.Status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound:
	case http.StatusUnprocessableEntity:
		schema = "validation-error"
	case http.StatusTooManyRequests:
		if !rateSignal {
			return "a 429 without a rate-limit signal (X-RateLimit-Remaining: 0 or a secondary-rate-limit documentation_url)"
		}
	case http.StatusForbidden:
		known := false
		msg := body.Message
		if !isJSON {
			msg = string(x.Body)
		}
		for _, p := range knownForbidden {
			known = known || strings.HasPrefix(msg, p)
		}
		if !rateSignal && x.Header.Get("X-GitHub-SSO") == "" && !known {
			return fmt.Sprintf("a 403 that is neither a rate limit, SSO enforcement nor a generic GitHub 403 (message %q)", msg)
		}
	default:
		return "not one of GitHub's cross-cutting error responses"
	}
	if !isJSON {
		return fmt.Sprintf("its body is not JSON (Content-Type %q)", x.Header.Get("Content-Type"))
	}
	var value any
	if err := json.Unmarshal(x.Body, &value); err != nil {
		return "its body is not valid JSON: " + err.Error()
	}
	ref := v.doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		return "the description lacks components.schemas." + schema
	}
	if err := ref.Value.VisitJSON(value, openapi3.VisitAsResponse()); err != nil {
		return fmt.Sprintf("its body does not match %s: %v", schema, err)
	}
	return ""
}

// apiPather maps requests to description paths (the Fake implements it).
type apiPather interface {
	APIPath(*http.Request) (string, bool)
}

// Handler wraps h: every exchange is checked and report is called for each
// violation, before the response is passed on unchanged. paths maps a
// request to its description path (nil: the Fake's APIPath if h is a Fake,
// else the URL path). Requests for which paths reports false (the OAuth
// endpoints, which are not part of the REST description) are not checked.
func (v *Validator) Handler(h http.Handler, paths func(*http.Request) (string, bool), report func(Violation)) http.Handler {
	if paths == nil {
		if p, ok := h.(apiPather); ok {
			paths = p.APIPath
		} else {
			paths = func(r *http.Request) (string, bool) {
				return r.URL.Path, !strings.HasPrefix(r.URL.Path, "/login/")
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			report(Violation{Method: r.Method, Path: r.URL.Path, Reason: "reading request body: " + err.Error()})
		}
		apiPath, isAPI := paths(r)
		r.Body = io.NopCloser(bytes.NewReader(body))
		cw := httptest.NewRecorder() // the answer, checked before it is passed on
		h.ServeHTTP(cw, r)
		if isAPI && r.Method != http.MethodHead {
			r.Body = io.NopCloser(bytes.NewReader(body))
			for _, viol := range v.Check(Exchange{Request: r, RequestBody: body, APIPath: apiPath, Status: cw.Code, Header: cw.Header(), Body: cw.Body.Bytes()}) {
				report(viol)
			}
		}
		for k, vs := range cw.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(cw.Code)
		w.Write(cw.Body.Bytes())
	})
}

// Validating wraps h (normally a *Fake) so that every request and response is
// checked against the trimmed GitHub description (SpecPath); each violation
// fails tb with the method, path, status and reason.
func Validating(tb testing.TB, h http.Handler) http.Handler {
	tb.Helper()
	return validating(tb, h, nil)
}

func validating(tb testing.TB, h http.Handler, paths func(*http.Request) (string, bool)) http.Handler {
	tb.Helper()
	path, err := SpecPath()
	if err != nil {
		tb.Fatal(err)
	}
	v, err := LoadValidator(path)
	if err != nil {
		tb.Fatal(err)
	}
	return v.Handler(h, paths, func(viol Violation) {
		tb.Errorf("githubfake: contract violation: %v", viol)
	})
}
