package connectortest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/lumosgo/lumos/toolkit"
)

// BaseURLPlaceholder stands for the case's loopback server URL (such as
// http://127.0.0.1:40123) in a case's request, expected paths, headers and
// bodies, canned responses, and expected response or error message: a Link
// header of a canned response is "<{{base_url}}/users?page=2>; rel=\"next\"".
const BaseURLPlaceholder = "{{base_url}}"

// AnyPlaceholder, as a string value in an expected response or request
// body, matches any value there (present, even null), e.g. a page token
// that holds the server's URL or a request fingerprint.
const AnyPlaceholder = "{{any}}"

// Case is one capability call, the upstream calls it must make with their
// canned responses, and the answer it must give: the Go counterpart of an
// upstream pytest case file. Build cases in Go tables or load them from
// testdata files with LoadCases; run them with RunCases.
type Case struct {
	// Name names the case in failures (and subtests); default
	// "<capability> #<n>", or the file name for LoadCases.
	Name string `json:"name,omitempty"`
	// Capability is the capability to call, e.g. toolkit.CapListAccounts.Name().
	Capability toolkit.CapabilityName `json:"capability"`
	// Request is the request document: raw JSON (string, []byte or
	// json.RawMessage) or a Go value marshalled to JSON, such as a
	// toolkit.ListAccountsRequest, or a func(baseURL string) any returning
	// one (to build what depends on the server's URL, e.g. a page token).
	// RunCases puts the loopback server's URL into its settings (see
	// RunCases); raw JSON that is not an object is sent as it is.
	Request any `json:"request"`
	// Calls are the upstream calls the capability must make, in order.
	Calls []Call `json:"calls,omitempty"`
	// Response is the expected response document (raw JSON or a Go value),
	// compared semantically (key order, number spelling and white space do
	// not matter). A top-level key it leaves out must be null in the
	// answer, so {"response": [...]} stands for a last page without raw data
	// or execution summary.
	Response any `json:"response,omitempty"`
	// Error, instead of Response, expects an error envelope with this code
	// (and message, and status code, when set).
	Error *ExpectedError `json:"error,omitempty"`
	// With neither Response nor Error, any success passes.
}

// Call is one expected upstream call and its canned response.
type Call struct {
	// Method is the HTTP method, e.g. "GET".
	Method string `json:"method"`
	// Path is the path and query, e.g. "/orgs/acme/members?per_page=100";
	// query parameters may come in any order.
	Path string `json:"path"`
	// Header lists request headers that must have these values, e.g.
	// {"Authorization": "Bearer t"}; others are not checked.
	Header map[string]string `json:"header,omitempty"`
	// Body, when set, must match the request body: text that is JSON (a
	// string, []byte or json.RawMessage) or any other Go value (marshalled)
	// is compared semantically as JSON; other text byte for byte ("" means
	// an empty body); url.Values compares a form; a func([]byte) error
	// decides by itself. A JSON object or array in a case file is JSON.
	Body any `json:"body,omitempty"`
	// Response is what the server answers.
	Response Reply `json:"response"`
}

// Reply is a canned upstream response.
type Reply struct {
	// Status is the HTTP status; default 200.
	Status int `json:"status,omitempty"`
	// Header holds the response headers, e.g. a Link header. A JSON body
	// gets Content-Type application/json unless set here.
	Header map[string]string `json:"header,omitempty"`
	// Body is a string, []byte or json.RawMessage sent as it is, or any
	// other Go value sent as JSON (a JSON object or array in a case file).
	Body any `json:"body,omitempty"`
}

// ExpectedError is the error envelope a case expects.
type ExpectedError struct {
	Code       toolkit.ErrorCode `json:"error_code"`
	Message    string            `json:"message,omitempty"`     // exact, when set
	StatusCode int               `json:"status_code,omitempty"` // when set
}

// BaseURL is how RunCases gives the connector the loopback server's URL:
// the name of a settings key (e.g. "base_url"), or a function that puts
// the URL into the request's settings object.
type BaseURL interface {
	~string | ~func(settings map[string]any, url string)
}

// RunCases runs each case through the integration's full Dispatch pipeline
// against its own loopback HTTP server (httptest), which answers the
// expected calls with their canned responses. baseURL is the settings key
// to set to the server's URL ("" sets none), or a function that puts it
// into the settings. A case fails, with a readable diff, when an expected
// call is missing, an unexpected one is made, calls come out of order, a
// request body or header differs, or the answer differs from the expected
// response or error.
//
// With a *testing.T each case is a subtest; with another testing.TB the
// cases run one after the other. The connector's logs and --trace lines of
// a failed case are logged with its failure.
func RunCases[U BaseURL](t testing.TB, in *toolkit.Integration, baseURL U, cases []Case) {
	t.Helper()
	inject := injector(baseURL)
	for i, c := range cases {
		if c.Name == "" {
			c.Name = fmt.Sprintf("%s #%d", c.Capability, i+1)
		}
		if tt, ok := t.(*testing.T); ok {
			tt.Run(c.Name, func(t *testing.T) {
				t.Helper()
				runCase(t, in, inject, c)
			})
			continue
		}
		runCase(t, in, inject, c)
	}
}

// injector turns a BaseURL into a function that sets the URL in settings.
func injector[U BaseURL](u U) func(map[string]any, string) {
	v := reflect.ValueOf(u)
	if v.Kind() == reflect.String {
		key := v.String()
		if key == "" {
			return nil
		}
		return func(s map[string]any, url string) { s[key] = url }
	}
	if v.IsNil() {
		return nil
	}
	return v.Convert(reflect.TypeFor[func(map[string]any, string)]()).Interface().(func(map[string]any, string))
}

// runCase runs one case and reports its failures.
func runCase(t testing.TB, in *toolkit.Integration, inject func(map[string]any, string), c Case) {
	t.Helper()
	if c.Response != nil && c.Error != nil {
		t.Errorf("case %q: set Response or Error, not both", c.Name)
		return
	}
	up := newUpstream(c.Calls)
	defer up.close()
	body, err := requestBody(c.Request, up.url, inject)
	if err != nil {
		t.Errorf("case %q: %v", c.Name, err)
		return
	}
	var logs syncBuffer
	ctx := toolkit.WithLogger(t.Context(), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx = toolkit.WithTrace(ctx, &logs)
	doc := in.Dispatch(ctx, string(c.Capability), body)
	up.close() // wait for requests still in flight
	failures := up.problems()
	failures = append(failures, checkAnswer(c, doc, up.url)...)
	if len(failures) == 0 {
		return
	}
	msg := fmt.Sprintf("case %q (%s %s):\n%s", c.Name, in.AppID(), c.Capability, strings.Join(failures, "\n"))
	if l := strings.TrimSpace(logs.String()); l != "" {
		msg += "\nconnector logs and trace:\n" + indent(l)
	}
	t.Errorf("%s", msg)
}

// requestBody renders a case's request with the base URL placeholder
// replaced and the server's URL put into its settings.
func requestBody(req any, base string, inject func(map[string]any, string)) ([]byte, error) {
	var raw []byte
	if f, ok := req.(func(string) any); ok {
		req = f(base)
	}
	switch r := req.(type) {
	case nil:
		raw = []byte(`{"request":{}}`)
	case string:
		raw = []byte(r)
	case []byte:
		raw = r
	case json.RawMessage:
		raw = r
	default:
		b, err := json.Marshal(req)
		if err != nil {
			return nil, fmt.Errorf("the request cannot be encoded as JSON: %v", err)
		}
		raw = b
	}
	raw = []byte(substitute(string(raw), base))
	if inject == nil {
		return raw, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil || doc == nil || dec.More() {
		return raw, nil // not an object: sent as it is
	}
	settings, _ := doc["settings"].(map[string]any)
	if settings == nil {
		settings = map[string]any{}
	}
	inject(settings, base)
	doc["settings"] = settings
	return json.Marshal(doc)
}

// checkAnswer compares the answer with what the case expects.
func checkAnswer(c Case, doc []byte, base string) []string {
	got, err := decodeJSON(doc)
	if err != nil {
		return []string{fmt.Sprintf("the answer is not one JSON document (%v): %s", err, doc)}
	}
	obj, _ := got.(map[string]any)
	isError := obj != nil && obj["is_error"] == true
	switch {
	case c.Error != nil:
		if !isError {
			return []string{fmt.Sprintf("want an error envelope with error_code %s, got a success:\n%s", c.Error.Code, indent(pretty(got)))}
		}
		e, _ := obj["error"].(map[string]any)
		var out []string
		if code, _ := e["error_code"].(string); code != string(c.Error.Code) {
			out = append(out, fmt.Sprintf("error_code is %s, want %s (message: %v)", code, c.Error.Code, e["message"]))
		}
		if want := substitute(c.Error.Message, base); want != "" {
			if msg, _ := e["message"].(string); msg != want {
				out = append(out, fmt.Sprintf("error message differs:\n  want: %s\n  got:  %s", want, msg))
			}
		}
		if c.Error.StatusCode != 0 {
			if sc := fmt.Sprint(e["status_code"]); sc != fmt.Sprint(c.Error.StatusCode) {
				out = append(out, fmt.Sprintf("error status_code is %s, want %d", sc, c.Error.StatusCode))
			}
		}
		return out
	case c.Response != nil:
		raw, err := expectedJSON(c.Response, base)
		if err != nil {
			return []string{err.Error()}
		}
		want, err := decodeJSON(raw)
		if err != nil {
			return []string{fmt.Sprintf("the expected response is not JSON: %v", err)}
		}
		if wm, ok := want.(map[string]any); ok && obj != nil {
			for k, v := range obj {
				if _, set := wm[k]; !set && v == nil {
					wm[k] = nil // a top-level key left out stands for null
				}
			}
		}
		if d := jsonDiff(matchAny(want, got), got); d != "" {
			return []string{"the answer differs (- expected, + got):\n" + indent(d)}
		}
	case isError:
		return []string{fmt.Sprintf("want a success, got an error envelope:\n%s", indent(pretty(got)))}
	}
	return nil
}

// expectedJSON renders an expected document as JSON text.
func expectedJSON(v any, base string) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return []byte(substitute(x, base)), nil
	case []byte:
		return []byte(substitute(string(x), base)), nil
	case json.RawMessage:
		return []byte(substitute(string(x), base)), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("the expected response cannot be encoded as JSON: %v", err)
	}
	return []byte(substitute(string(b), base)), nil
}

// matchAny replaces each AnyPlaceholder of want by the value got has there.
func matchAny(want, got any) any {
	switch w := want.(type) {
	case string:
		if w == AnyPlaceholder {
			return got
		}
	case map[string]any:
		if g, ok := got.(map[string]any); ok {
			for k, v := range w {
				if gv, present := g[k]; present {
					w[k] = matchAny(v, gv)
				}
			}
		}
	case []any:
		if g, ok := got.([]any); ok {
			for i := range w {
				if i < len(g) {
					w[i] = matchAny(w[i], g[i])
				}
			}
		}
	}
	return want
}

func substitute(s, base string) string { return strings.ReplaceAll(s, BaseURLPlaceholder, base) }

// LoadCases reads the cases of a folder: every *.json file in it (not in
// sub-folders), in name order, one case per file, named after the file:
//
//	{
//	  "capability": "list_accounts",
//	  "request": {"auth": {"token": {"token": "t"}}, "request": {}, "settings": {}},
//	  "calls": [
//	    {"method": "GET", "path": "/users?per_page=2",
//	     "response": {"status": 200, "header": {"Link": "<{{base_url}}/users?page=2>; rel=\"next\""}, "body": [{"id": 1}]}}
//	  ],
//	  "response": {"response": [{"integration_specific_id": "1", ...}], "page": {...}}
//	}
//
// "error": {"error_code": "...", "message": "..."} replaces "response" for
// a failing call. Unknown keys are an error, so a misspelt key is not
// silently ignored. A call's request "body" and a reply's "body" that are
// JSON strings are text (a request body text that is itself JSON is
// compared as JSON); objects, arrays and other values are JSON.
func LoadCases(dir string) ([]Case, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s holds no *.json case file", dir)
	}
	sort.Strings(paths)
	cases := make([]Case, 0, len(paths))
	for _, p := range paths {
		c, err := loadCase(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		cases = append(cases, c)
	}
	return cases, nil
}

func loadCase(path string) (Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Case{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var c Case
	if err := dec.Decode(&c); err != nil {
		return Case{}, fmt.Errorf("not a case: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Case{}, errors.New("data after the case object")
	}
	switch {
	case c.Capability == "":
		return Case{}, errors.New(`"capability" is missing`)
	case c.Response != nil && c.Error != nil:
		return Case{}, errors.New(`set "response" or "error", not both`)
	case c.Error != nil && c.Error.Code == "":
		return Case{}, errors.New(`"error" needs an "error_code"`)
	}
	for i, call := range c.Calls {
		if call.Method == "" || call.Path == "" {
			return Case{}, fmt.Errorf("call %d needs a method and a path", i+1)
		}
	}
	if c.Name == "" {
		c.Name = strings.TrimSuffix(filepath.Base(path), ".json")
	}
	return c, nil
}

// syncBuffer is a bytes.Buffer safe for concurrent writes (logs and trace
// may come from the connector's goroutines).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
