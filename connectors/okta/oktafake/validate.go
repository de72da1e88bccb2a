package oktafake

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

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// SpecFile is the trimmed Okta management API description, relative to the
// module root (made by testdata/okta/trim.go).
const SpecFile = "testdata/okta/management.trimmed.json"

// specPath locates SpecFile next to this package's source.
func specPath() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "..", "..", "..", filepath.FromSlash(SpecFile))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("oktafake: %s not found", SpecFile)
}

// Validator checks HTTP exchanges against the trimmed description with
// kin-openapi.
type Validator struct {
	doc    *openapi3.T
	router routers.Router
}

var loadValidator = sync.OnceValues(func() (*Validator, error) {
	path, err := specPath()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("oktafake: loading %s: %w", path, err)
	}
	doc.Servers = nil // match paths on any host
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	if err != nil {
		return nil, fmt.Errorf("oktafake: %s: %w", path, err)
	}
	return &Validator{doc: doc, router: router}, nil
})

// LoadValidator loads the trimmed description once per process.
func LoadValidator() (*Validator, error) { return loadValidator() }

// Violation is a request or response that does not match the description.
type Violation struct {
	Method string // the request's method
	Path   string // the request's path and query
	Status int    // the answer's status
	Reason string // what does not match
}

// Error tells the method, path, status and reason.
func (v Violation) Error() string {
	return fmt.Sprintf("%s %s -> %d: %s", v.Method, v.Path, v.Status, v.Reason)
}

// Check validates one exchange of the management API:
//
//   - the operation must be in the description and the request must match
//     it (a request the description rejects must be answered with a 4xx);
//   - a documented status is validated against the operation's response
//     (content type and body schema);
//   - an undocumented status is accepted only for Okta's cross-cutting
//     errors (400, 401, 403, 404, 429) with a body matching the Error schema;
//   - every answer carries X-Rate-Limit-Limit, -Remaining and -Reset as
//     integers.
func (v *Validator) Check(r *http.Request, reqBody []byte, status int, header http.Header, body []byte) []Violation {
	path := r.URL.RequestURI()
	var out []Violation
	add := func(format string, args ...any) {
		out = append(out, Violation{Method: r.Method, Path: path, Status: status, Reason: fmt.Sprintf(format, args...)})
	}
	vreq := r.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	vreq.ContentLength = int64(len(reqBody))
	route, params, err := v.router.FindRoute(vreq)
	if err != nil {
		add("no operation in the description: %v", err)
		return out
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && status < 400 {
		add("request does not match %s %s, yet the fake accepted it: %v", route.Method, route.Path, err)
	}
	for _, h := range []string{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"} {
		if _, err := strconv.ParseInt(header.Get(h), 10, 64); err != nil {
			add("header %s is missing or not an integer (%q)", h, header.Get(h))
		}
	}
	if route.Operation.Responses.Status(status) != nil {
		rin := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: opts}
		rin.SetBodyBytes(body)
		if err := openapi3filter.ValidateResponse(context.Background(), rin); err != nil {
			add("response does not match %s %s: %v", route.Method, route.Path, err)
		}
		return out
	}
	switch status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusTooManyRequests:
	default:
		add("status %d is not documented for %s %s", status, route.Method, route.Path)
		return out
	}
	if !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		add("error body is not JSON (Content-Type %q)", header.Get("Content-Type"))
		return out
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		add("error body is not valid JSON: %v", err)
		return out
	}
	if err := v.doc.Components.Schemas["Error"].Value.VisitJSON(value, openapi3.VisitAsResponse()); err != nil {
		add("error body does not match Error: %v", err)
	}
	return out
}

// Handler wraps h: every management API exchange (not the token endpoint,
// which another description covers) is checked and report is called for
// each violation, before the response is passed on unchanged.
func (v *Validator) Handler(h http.Handler, report func(Violation)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			report(Violation{Method: r.Method, Path: r.URL.Path, Reason: "reading request body: " + err.Error()})
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		cw := httptest.NewRecorder() // the answer, checked before it is passed on
		h.ServeHTTP(cw, r)
		if strings.HasPrefix(r.URL.Path, "/api/v1/") {
			for _, viol := range v.Check(r, body, cw.Code, cw.Header(), cw.Body.Bytes()) {
				report(viol)
			}
		}
		for k, vs := range cw.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(cw.Code)
		_, _ = w.Write(cw.Body.Bytes())
	})
}
