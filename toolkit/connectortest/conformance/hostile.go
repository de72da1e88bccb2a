package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
)

// hostileTarget is the capability the hostile requests go to: list_accounts,
// else validate_credentials, else the first authenticated read.
func (r *runner) hostileTarget() toolkit.CapabilityName {
	caps := r.in.CapabilityInfos()
	for _, want := range []toolkit.CapabilityName{toolkit.CapListAccounts.Name(), toolkit.CapValidateCredentials.Name()} {
		for _, ci := range caps {
			if ci.Name == want {
				return want
			}
		}
	}
	for _, ci := range caps {
		if ci.Level == toolkit.LevelRead && !ci.Custom {
			return ci.Name
		}
	}
	return ""
}

// hostileRequest is one malformed request and the error code it must get.
type hostileRequest struct {
	name       string
	capability toolkit.CapabilityName
	body       []byte
	want       string
}

// hostileRequests builds the malformed requests from the base request.
func (r *runner) hostileRequests(target toolkit.CapabilityName) []hostileRequest {
	base := r.body(nil, nil)
	baseJSON, _ := json.Marshal(base)
	with := func(change func(m map[string]any)) []byte {
		m := make(map[string]any, len(base))
		for k, v := range base {
			m[k] = v
		}
		change(m)
		b, _ := json.Marshal(m)
		return b
	}
	auth := base["auth"]
	if auth == nil {
		auth = map[string]any{}
	}
	deep := strings.Repeat("[", toolkit.MaxNestingDepth+10) + strings.Repeat("]", toolkit.MaxNestingDepth+10)
	const bad, badToken, notImpl = "bad_request", "invalid_page_token", "not_implemented"
	return []hostileRequest{
		{"malformed JSON", target, []byte(`{"request":`), bad},
		{"an empty document", target, []byte(``), bad},
		{"an array instead of an object", target, []byte(`[]`), bad},
		{"null instead of an object", target, []byte(`null`), bad},
		{"data after the document", target, append(slices.Clone(baseJSON), []byte(` {}`)...), bad},
		{"NaN as a number", target, []byte(`{"request":{},"page":{"size":NaN}}`), bad},
		{"invalid UTF-8", target, []byte("{\"request\":{},\"x\":\"\xff\xfe\"}"), bad},
		{"nesting too deep", target, []byte(`{"request":{},"x":` + deep + `}`), bad},
		{"no request", target, with(func(m map[string]any) { delete(m, "request") }), bad},
		{"a string as the request", target, with(func(m map[string]any) { m["request"] = "x" }), bad},
		{"a string as include_raw_data", target, with(func(m map[string]any) { m["include_raw_data"] = "yes" }), bad},
		{"a string as page.size", target, with(func(m map[string]any) { m["page"] = map[string]any{"size": "10"} }), bad},
		{"a fractional page.size", target, with(func(m map[string]any) { m["page"] = map[string]any{"size": 1.5} }), bad},
		{"an array as settings", target, with(func(m map[string]any) { m["settings"] = []any{} }), bad},
		{"no credentials", target, with(func(m map[string]any) { delete(m, "auth"); delete(m, "credentials") }), bad},
		{"auth and credentials together", target, with(func(m map[string]any) { m["auth"], m["credentials"] = auth, []any{} }), bad},
		{"an oversized page token", target, with(func(m map[string]any) {
			m["page"] = map[string]any{"token": strings.Repeat("a", toolkit.MaxPageTokenSize+1), "size": 1}
		}), badToken},
		{"an unknown capability", "conformance_no_such_capability", baseJSON, notImpl},
		{"an empty capability name", "", baseJSON, notImpl},
	}
}

// checkHostile sends the malformed requests and checks their error envelopes.
func (r *runner) checkHostile() Result {
	target := r.hostileTarget()
	if target == "" {
		return Result{Status: Skip, Summary: "the connector registers no read capability to send hostile requests to"}
	}
	validate := r.schemas.of(target)
	var problems []string
	reqs := r.hostileRequests(target)
	for _, h := range reqs {
		doc, err := r.dispatch(string(h.capability), h.body)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", h.name, err))
			continue
		}
		if p := r.errorEnvelopeProblem(doc, h.want); p != "" {
			problems = append(problems, h.name+": "+p)
			continue
		}
		if validate != nil {
			if err := validate(doc); err != nil {
				problems = append(problems, h.name+": the error envelope does not match the response schema: "+schemaError(err))
			}
		}
	}
	if len(problems) > 0 {
		return Result{Status: Fail, Summary: fmt.Sprintf("%d of %d hostile requests not answered as they should be", len(problems), len(reqs)), Problems: problems}
	}
	return Result{Status: Pass, Summary: fmt.Sprintf("%d hostile requests (to %s) answered with error envelopes of the right codes", len(reqs), target)}
}

// errorEnvelopeProblem checks that doc is one well-formed error envelope of
// the wanted code, and says what is wrong otherwise.
func (r *runner) errorEnvelopeProblem(doc []byte, want string) string {
	var keys map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(doc))
	if err := dec.Decode(&keys); err != nil || dec.More() {
		return fmt.Sprintf("the answer is not one JSON object: %s", oneLine(string(doc), 200))
	}
	a, err := decodeAnswer(doc)
	if err != nil {
		return err.Error()
	}
	switch {
	case !a.IsError:
		return fmt.Sprintf("answered with a success, want an error envelope with %s: %s", want, oneLine(string(doc), 200))
	case a.Error == nil:
		return "is_error is true but there is no error object"
	case a.Error.ErrorCode != want:
		return fmt.Sprintf("answered %s, want %s", a.failure(), want)
	case a.Error.AppID != r.in.AppID():
		return fmt.Sprintf("error.app_id is %q, want %q", a.Error.AppID, r.in.AppID())
	case strings.TrimSpace(a.Error.Message) == "":
		return "error.message is empty"
	}
	for _, k := range []string{"is_error", "error", "raw_data", "page"} {
		if _, ok := keys[k]; !ok {
			return fmt.Sprintf("the error envelope has no %q key", k)
		}
	}
	return ""
}

// checkSecrets reports answers that carried a secret of the request.
func (r *runner) checkSecrets() Result {
	if r.secrets.Empty() {
		return Result{Status: Pass, Summary: fmt.Sprintf("the request has no secret of 6 characters or more to look for (%s read)", plural(r.answers, "answer"))}
	}
	if len(r.leaks) > 0 {
		return Result{Status: Fail, Summary: "answers carry secrets of the request", Problems: r.leaks}
	}
	return Result{Status: Pass, Summary: fmt.Sprintf("no secret of the request in %s", plural(r.answers, "answer"))}
}
