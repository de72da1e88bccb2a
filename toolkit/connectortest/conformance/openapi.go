package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
)

// checkAppInfo calls app_info and checks the OpenAPI document it returns.
func (r *runner) checkAppInfo() Result {
	a, err := r.call(toolkit.CapAppInfo.Name(), nil, nil)
	if err != nil {
		return Result{Status: Fail, Summary: err.Error()}
	}
	if a.IsError {
		return Result{Status: Fail, Summary: "app_info failed: " + a.failure()}
	}
	var info struct {
		AppID     string          `json:"app_id"`
		AppSchema json.RawMessage `json:"app_schema"`
	}
	if err := json.Unmarshal(a.Response, &info); err != nil {
		return Result{Status: Fail, Summary: fmt.Sprintf("the response does not decode: %v", err)}
	}
	var problems []string
	if info.AppID != r.in.AppID() {
		problems = append(problems, fmt.Sprintf("app_id is %q, want %q", info.AppID, r.in.AppID()))
	}
	doc, err := decodeObject(info.AppSchema)
	if err != nil {
		return Result{Status: Fail, Summary: "app_schema is not a JSON object: " + err.Error()}
	}
	problems = append(problems, StructuralOpenAPIProblems(doc, r.in.Capabilities())...)
	how := "structural check"
	if r.opts.ValidateOpenAPI != nil {
		how = "full validation"
		if err := r.opts.ValidateOpenAPI(r.ctx, info.AppSchema); err != nil {
			problems = append(problems, "the OpenAPI validator rejects the document: "+oneLine(err.Error(), 2000))
		}
	}
	if validate := r.schemas.of(toolkit.CapAppInfo.Name()); validate != nil {
		if err := validate(a.raw); err != nil {
			problems = append(problems, "the answer does not match the response schema: "+schemaError(err))
		}
	}
	version, _ := doc["openapi"].(string)
	paths, _ := doc["paths"].(map[string]any)
	if len(problems) > 0 {
		return Result{Status: Fail, Summary: fmt.Sprintf("app_info is not a valid OpenAPI document of the connector (%s)", how), Problems: problems}
	}
	return Result{Status: Pass, Summary: fmt.Sprintf("OpenAPI %s with %s (%s)", version, plural(len(paths), "path"), how)}
}

// StructuralOpenAPIProblems checks an app_info OpenAPI document without an
// OpenAPI library: the openapi version is 3.x, info has a title and a
// version, paths hold one POST /<capability> per capability (and no other
// path) with an operationId and responses, operation ids are unique, and every
// local "$ref" resolves. It returns one line per problem.
func StructuralOpenAPIProblems(doc map[string]any, capabilities []toolkit.CapabilityName) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		add("openapi is %v, want a 3.x version", doc["openapi"])
	}
	info, ok := doc["info"].(map[string]any)
	if !ok {
		add("info is missing or not an object")
	} else {
		for _, k := range []string{"title", "version"} {
			if s, _ := info[k].(string); s == "" {
				add("info.%s is missing or empty", k)
			}
		}
		if xc, ok := info["x-capabilities"].([]any); ok {
			var got []string
			for _, c := range xc {
				s, _ := c.(string)
				got = append(got, s)
			}
			want := make([]string, len(capabilities))
			for i, c := range capabilities {
				want[i] = string(c)
			}
			sort.Strings(got)
			if !slices.Equal(got, want) {
				add("info.x-capabilities is %v, want the registered capabilities %v", got, want)
			}
		}
	}
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		add("paths is missing or not an object")
		paths = map[string]any{}
	}
	opIDs := map[string]string{}
	for p, item := range paths {
		if !strings.HasPrefix(p, "/") {
			add("path %q does not start with /", p)
		}
		ops, ok := item.(map[string]any)
		if !ok {
			add("paths[%q] is not an object", p)
			continue
		}
		for method, op := range ops {
			if !httpMethods[method] {
				continue // parameters, summary, x-…
			}
			o, ok := op.(map[string]any)
			if !ok {
				add("paths[%q].%s is not an object", p, method)
				continue
			}
			if _, ok := o["responses"].(map[string]any); !ok {
				add("paths[%q].%s has no responses object", p, method)
			}
			if id, _ := o["operationId"].(string); id != "" {
				if other, dup := opIDs[id]; dup {
					add("operationId %q is used by %s and %s %s", id, other, method, p)
				}
				opIDs[id] = method + " " + p
			}
		}
	}
	for _, c := range capabilities {
		p := "/" + string(c)
		item, _ := paths[p].(map[string]any)
		post, _ := item["post"].(map[string]any)
		switch {
		case item == nil:
			add("paths has no %s for capability %s", p, c)
		case post == nil:
			add("paths[%q] has no post operation", p)
		case post["operationId"] != string(c):
			add("paths[%q].post.operationId is %v, want %q", p, post["operationId"], c)
		}
	}
	for p := range paths {
		if !slices.Contains(capabilities, toolkit.CapabilityName(strings.TrimPrefix(p, "/"))) {
			add("path %q is not a registered capability", p)
		}
	}
	if comps, ok := doc["components"]; ok {
		if _, ok := comps.(map[string]any); !ok {
			add("components is not an object")
		}
	}
	unresolved := map[string]bool{}
	walkRefs(doc, func(ref string) {
		if !strings.HasPrefix(ref, "#") {
			return // an external reference: not ours to follow
		}
		if _, ok := resolvePointer(doc, ref[1:]); !ok {
			unresolved[ref] = true
		}
	})
	for _, ref := range slices.Sorted(maps.Keys(unresolved)) {
		add("$ref %q does not resolve", ref)
	}
	sort.Strings(problems)
	return problems
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// walkRefs calls f with every "$ref" string in v.
func walkRefs(v any, f func(string)) {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok {
			f(ref)
		}
		for _, item := range x {
			walkRefs(item, f)
		}
	case []any:
		for _, item := range x {
			walkRefs(item, f)
		}
	}
}

// resolvePointer resolves a JSON pointer (RFC 6901, possibly URL-escaped as
// in a URI fragment) in doc.
func resolvePointer(doc any, ptr string) (any, bool) {
	if p, err := url.PathUnescape(ptr); err == nil {
		ptr = p
	}
	if ptr == "" {
		return doc, true
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	cur := doc
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := cur.(type) {
		case map[string]any:
			next, ok := x[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			var i int
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		default:
			return nil, false
		}
	}
	return cur, true
}
