package connectortest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// upstream is the loopback server of one case: it answers the expected
// calls with their canned responses and records what the connector sent.
type upstream struct {
	srv   *httptest.Server
	url   string
	calls []Call

	mu   sync.Mutex
	used []bool
	got  []received
}

// received is one request the connector sent.
type received struct {
	method, uri string
	matched     int      // index of the expected call it was answered as, or -1
	late        bool     // it matched a later call than the next one expected
	problems    []string // body and header mismatches
}

func newUpstream(calls []Call) *upstream {
	u := &upstream{calls: calls, used: make([]bool, len(calls))}
	u.srv = httptest.NewServer(http.HandlerFunc(u.serve))
	u.url = u.srv.URL
	return u
}

// close stops the server, waiting for requests in flight.
func (u *upstream) close() { u.srv.Close() }

// serve answers one request: as the next expected call when it matches its
// method, path and query; else as the first later expected call that
// matches (out of order); else with a 500 naming the request.
func (u *upstream) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 64<<20))
	u.mu.Lock()
	rc := received{method: req.Method, uri: req.URL.RequestURI(), matched: -1}
	next := -1
	for i, used := range u.used {
		if !used {
			next = i
			break
		}
	}
	for i, c := range u.calls {
		if !u.used[i] && u.sameTarget(c, req) {
			rc.matched, rc.late = i, i != next
			u.used[i] = true
			break
		}
	}
	var reply *Reply
	if rc.matched >= 0 {
		c := u.calls[rc.matched]
		reply = &c.Response
		if p := matchBody(c.Body, body, u.url); p != "" {
			rc.problems = append(rc.problems, p)
		}
		for _, k := range sortedKeys(c.Header) {
			want := substitute(c.Header[k], u.url)
			if got := req.Header.Get(k); got != want {
				rc.problems = append(rc.problems, fmt.Sprintf("request header %s is %q, want %q", k, got, want))
			}
		}
	}
	u.got = append(u.got, rc)
	u.mu.Unlock()

	if reply == nil {
		http.Error(w, fmt.Sprintf("connectortest: no expected upstream call matches %s %s", req.Method, req.URL.RequestURI()), http.StatusInternalServerError)
		return
	}
	u.write(w, *reply)
}

// write sends a canned response.
func (u *upstream) write(w http.ResponseWriter, r Reply) {
	body, isJSON, err := replyBody(r.Body, u.url)
	if err != nil {
		http.Error(w, "connectortest: "+err.Error(), http.StatusInternalServerError)
		return
	}
	for _, k := range sortedKeys(r.Header) {
		w.Header().Set(k, substitute(r.Header[k], u.url))
	}
	if w.Header().Get("Content-Type") == "" && isJSON {
		w.Header().Set("Content-Type", "application/json")
	}
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// replyBody renders a canned body: text as given, anything else as JSON.
func replyBody(v any, base string) (body []byte, isJSON bool, err error) {
	switch x := v.(type) {
	case nil:
		return nil, false, nil
	case string:
		s := substitute(x, base)
		return []byte(s), json.Valid([]byte(s)), nil
	case []byte:
		s := substitute(string(x), base)
		return []byte(s), json.Valid([]byte(s)), nil
	case json.RawMessage:
		s := substitute(string(x), base)
		return []byte(s), json.Valid([]byte(s)), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false, fmt.Errorf("cannot encode the canned response body: %v", err)
	}
	return []byte(substitute(string(b), base)), true, nil
}

// sameTarget reports whether a request is the expected call: same method,
// same path, same query parameters (in any order of names).
func (u *upstream) sameTarget(c Call, req *http.Request) bool {
	if !strings.EqualFold(c.Method, req.Method) {
		return false
	}
	want, err := url.Parse(substitute(c.Path, u.url))
	if err != nil {
		return false
	}
	if want.Path != req.URL.Path {
		return false
	}
	wq, err1 := url.ParseQuery(want.RawQuery)
	gq, err2 := url.ParseQuery(req.URL.RawQuery)
	if err1 != nil || err2 != nil {
		return want.RawQuery == req.URL.RawQuery
	}
	return len(wq) == len(gq) && (len(wq) == 0 || reflect.DeepEqual(wq, gq))
}

// problems describes every difference between the expected and the
// received calls: a unified diff of the two sequences, then each missing,
// unexpected or out-of-order call and each body or header mismatch.
func (u *upstream) problems() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	line := func(c Call) string { return strings.ToUpper(c.Method) + " " + c.Path }
	want := make([]string, len(u.calls))
	for i, c := range u.calls {
		want[i] = line(c)
	}
	got := make([]string, len(u.got))
	var details []string
	for n, rc := range u.got {
		if rc.matched >= 0 {
			got[n] = want[rc.matched]
		} else {
			got[n] = rc.method + " " + rc.uri
			details = append(details, fmt.Sprintf("unexpected call %d: %s %s (no expected call matches it; the harness answered 500)", n+1, rc.method, rc.uri))
		}
		if rc.late {
			details = append(details, fmt.Sprintf("out of order: call %d was %s, expected as call %d", n+1, got[n], rc.matched+1))
		}
		for _, p := range rc.problems {
			details = append(details, fmt.Sprintf("call %d (%s): %s", n+1, got[n], p))
		}
	}
	for i, used := range u.used {
		if !used {
			details = append(details, fmt.Sprintf("missing call: expected call %d, %s, was never made", i+1, want[i]))
		}
	}
	if len(details) == 0 {
		return nil
	}
	out := []string{}
	if d := unifiedDiff(want, got, 1000); d != "" {
		out = append(out, "upstream calls differ (- expected, + made):\n"+indent(d))
	}
	return append(out, details...)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// matchBody checks a request body against a Call's Body matcher and says
// what differs, or "".
func matchBody(want any, got []byte, base string) string {
	switch w := want.(type) {
	case nil:
		return ""
	case func([]byte) error:
		if err := w(got); err != nil {
			return "request body: " + err.Error()
		}
		return ""
	case url.Values:
		g, err := url.ParseQuery(string(got))
		if err != nil {
			return fmt.Sprintf("request body is not a form: %v: %q", err, got)
		}
		if !reflect.DeepEqual(map[string][]string(w), map[string][]string(g)) {
			return fmt.Sprintf("request form differs:\n  want: %s\n  got:  %s", w.Encode(), g.Encode())
		}
		return ""
	case string:
		return matchText(substitute(w, base), got)
	case []byte:
		return matchText(substitute(string(w), base), got)
	case json.RawMessage:
		return matchText(substitute(string(w), base), got)
	}
	b, err := json.Marshal(want)
	if err != nil {
		return fmt.Sprintf("the expected body cannot be encoded: %v", err)
	}
	return matchText(substitute(string(b), base), got)
}

// matchText compares a body with the expected text: semantically when the
// text is JSON, else byte for byte.
func matchText(want string, got []byte) string {
	wantV, err := decodeJSON([]byte(want))
	if err != nil {
		if want != string(got) {
			return fmt.Sprintf("request body differs:\n  want: %q\n  got:  %q", want, got)
		}
		return ""
	}
	gotV, err := decodeJSON(got)
	if err != nil {
		return fmt.Sprintf("request body is not JSON (%v): %q", err, got)
	}
	if d := jsonDiff(matchAny(wantV, gotV), gotV); d != "" {
		return "request body differs (- expected, + sent):\n" + indent(d)
	}
	return ""
}

// indent indents every line by two spaces.
func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }
