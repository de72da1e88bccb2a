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
	var p problemList
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.") {
		p.add("openapi is %v, want a 3.x version", doc["openapi"])
	}
	p.checkInfo(doc["info"], capabilities)
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		p.add("paths is missing or not an object")
		paths = map[string]any{}
	}
	p.checkOperations(paths)
	p.checkCapabilityPaths(paths, capabilities)
	if comps, ok := doc["components"]; ok {
		if _, ok := comps.(map[string]any); !ok {
			p.add("components is not an object")
		}
	}
	p.checkRefs(doc)
	sort.Strings(p)
	return p
}

// problemList collects one line per problem.
type problemList []string

func (p *problemList) add(format string, args ...any) {
	*p = append(*p, fmt.Sprintf(format, args...))
}

// checkInfo checks the info object: a title, a version and, when it lists
// x-capabilities, the registered ones.
func (p *problemList) checkInfo(v any, capabilities []toolkit.CapabilityName) {
	info, ok := v.(map[string]any)
	if !ok {
		p.add("info is missing or not an object")
		return
	}
	for _, k := range []string{"title", "version"} {
		if s, _ := info[k].(string); s == "" {
			p.add("info.%s is missing or empty", k)
		}
	}
	xc, ok := info["x-capabilities"].([]any)
	if !ok {
		return
	}
	got := make([]string, 0, len(xc))
	for _, c := range xc {
		s, _ := c.(string) // anything else counts as ""
		got = append(got, s)
	}
	sort.Strings(got)
	want := make([]string, len(capabilities))
	for i, c := range capabilities {
		want[i] = string(c)
	}
	if !slices.Equal(got, want) {
		p.add("info.x-capabilities is %v, want the registered capabilities %v", got, want)
	}
}

// checkOperations checks every path and operation: paths start with /, path
// items and operations are objects, operations have responses, and no two
// share an operationId.
func (p *problemList) checkOperations(paths map[string]any) {
	opIDs := map[string]string{} // operationId → "method path"
	for path, item := range paths {
		if !strings.HasPrefix(path, "/") {
			p.add("path %q does not start with /", path)
		}
		ops, ok := item.(map[string]any)
		if !ok {
			p.add("paths[%q] is not an object", path)
			continue
		}
		for method, op := range ops {
			if httpMethods[method] { // not parameters, summary, x-…
				p.checkOperation(path, method, op, opIDs)
			}
		}
	}
}

// checkOperation checks one operation, recording its operationId in opIDs.
func (p *problemList) checkOperation(path, method string, op any, opIDs map[string]string) {
	o, ok := op.(map[string]any)
	if !ok {
		p.add("paths[%q].%s is not an object", path, method)
		return
	}
	if _, ok := o["responses"].(map[string]any); !ok {
		p.add("paths[%q].%s has no responses object", path, method)
	}
	if id, _ := o["operationId"].(string); id != "" {
		if other, dup := opIDs[id]; dup {
			p.add("operationId %q is used by %s and %s %s", id, other, method, path)
		}
		opIDs[id] = method + " " + path
	}
}

// checkCapabilityPaths checks that paths hold one POST /<capability>,
// named after it, per capability, and no other path.
func (p *problemList) checkCapabilityPaths(paths map[string]any, capabilities []toolkit.CapabilityName) {
	for _, c := range capabilities {
		path := "/" + string(c)
		item, _ := paths[path].(map[string]any)
		post, _ := item["post"].(map[string]any)
		switch {
		case item == nil:
			p.add("paths has no %s for capability %s", path, c)
		case post == nil:
			p.add("paths[%q] has no post operation", path)
		case post["operationId"] != string(c):
			p.add("paths[%q].post.operationId is %v, want %q", path, post["operationId"], c)
		}
	}
	for path := range paths {
		if !slices.Contains(capabilities, toolkit.CapabilityName(strings.TrimPrefix(path, "/"))) {
			p.add("path %q is not a registered capability", path)
		}
	}
}

// checkRefs checks that every local "$ref" in doc resolves.
func (p *problemList) checkRefs(doc map[string]any) {
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
		p.add("$ref %q does not resolve", ref)
	}
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
