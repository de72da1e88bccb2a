//go:build ignore

// Command trim cuts Okta's official management API description down to the
// operations the lumos Okta connector (and its fake) use, plus every
// component they reference (transitively), drops examples, and writes it as
// JSON with sorted keys, so that regenerating it from the same input gives
// the same bytes.
//
// The input is okta/api/openapi.yaml of the Go module
// github.com/okta/okta-sdk-golang/v5 (Apache-2.0), which go.mod names:
//
//	go mod download github.com/okta/okta-sdk-golang/v5
//	go run testdata/okta/trim.go   # from the module root; writes testdata/okta/management.trimmed.json
//
// The kept operations are the operations variable below; change it together
// with connectors/okta/oktafake.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// module is the Go module shipping the description.
const module = "github.com/okta/okta-sdk-golang/v5"

// operations are the kept operations, "METHOD /path" as in the description.
var operations = []string{
	"GET /api/v1/org",
	"GET /api/v1/users",
	"POST /api/v1/users",
	"GET /api/v1/users/{userId}",
	"DELETE /api/v1/users/{userId}",
	"GET /api/v1/users/{userId}/groups",
	"GET /api/v1/users/{userId}/roles",
	"POST /api/v1/users/{userId}/roles",
	"DELETE /api/v1/users/{userId}/roles/{roleId}",
	"POST /api/v1/users/{userId}/lifecycle/activate",
	"POST /api/v1/users/{userId}/lifecycle/deactivate",
	"POST /api/v1/users/{userId}/lifecycle/reactivate",
	"POST /api/v1/users/{userId}/lifecycle/suspend",
	"POST /api/v1/users/{userId}/lifecycle/unsuspend",
	"POST /api/v1/users/{userId}/lifecycle/unlock",
	"GET /api/v1/groups",
	"GET /api/v1/groups/{groupId}",
	"GET /api/v1/groups/{groupId}/users",
	"PUT /api/v1/groups/{groupId}/users/{userId}",
	"DELETE /api/v1/groups/{groupId}/users/{userId}",
	"GET /api/v1/apps",
	"GET /api/v1/apps/{appId}/users",
	"GET /api/v1/iam/assignees/users",
	"GET /api/v1/iam/roles",
	"GET /api/v1/iam/roles/{roleIdOrLabel}",
	"GET /api/v1/iam/resource-sets",
	"GET /api/v1/iam/resource-sets/{resourceSetId}",
	"GET /api/v1/iam/resource-sets/{resourceSetId}/bindings",
}

func main() {
	in := flag.String("in", "", "openapi.yaml (default: from the module cache, as go.mod names the module)")
	out := flag.String("out", filepath.Join("testdata", "okta", "management.trimmed.json"), "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "trim:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	version := ""
	if in == "" {
		b, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", module).Output()
		if err != nil {
			return fmt.Errorf("locating %s (run go mod download first): %w", module, err)
		}
		dir, v, _ := strings.Cut(strings.TrimSpace(string(b)), " ")
		in, version = filepath.Join(dir, "okta", "api", "openapi.yaml"), v
	}
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return fmt.Errorf("loading %s: %w", in, err)
	}
	js, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	var full map[string]any
	if err := json.Unmarshal(js, &full); err != nil {
		return err
	}
	trimmed, err := trim(full)
	if err != nil {
		return err
	}
	info, _ := trimmed["info"].(map[string]any)
	info["x-lumos-trimmed"] = fmt.Sprintf("%d operations of %s %s okta/api/openapi.yaml; examples dropped; regenerate with go run testdata/okta/trim.go", len(operations), module, version)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(trimmed); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// trim keeps the operations and the components they reach.
func trim(full map[string]any) (map[string]any, error) {
	paths, _ := full["paths"].(map[string]any)
	kept := map[string]any{}
	for _, op := range operations {
		method, path, _ := strings.Cut(op, " ")
		item, ok := paths[path].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("path %s is not in the description", path)
		}
		o, ok := item[strings.ToLower(method)]
		if !ok {
			return nil, fmt.Errorf("operation %s is not in the description", op)
		}
		k, _ := kept[path].(map[string]any)
		if k == nil {
			k = map[string]any{}
			if ps, ok := item["parameters"]; ok {
				k["parameters"] = ps
			}
			kept[path] = k
		}
		k[strings.ToLower(method)] = o
	}
	dropExamples(kept)
	components, _ := full["components"].(map[string]any)
	out := map[string]any{"openapi": full["openapi"], "info": full["info"], "paths": kept}
	if sec, ok := full["security"]; ok {
		out["security"] = sec
	}
	keptComp := map[string]any{}
	queue := refs(kept, nil)
	seen := map[string]bool{}
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		if seen[ref] {
			continue
		}
		seen[ref] = true
		parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
		if len(parts) != 2 {
			return nil, fmt.Errorf("unexpected reference %s", ref)
		}
		section, _ := components[parts[0]].(map[string]any)
		v, ok := section[parts[1]]
		if !ok {
			return nil, fmt.Errorf("dangling reference %s", ref)
		}
		dropExamples(v)
		ks, _ := keptComp[parts[0]].(map[string]any)
		if ks == nil {
			ks = map[string]any{}
			keptComp[parts[0]] = ks
		}
		ks[parts[1]] = v
		queue = refs(v, queue)
	}
	if ss, ok := components["securitySchemes"]; ok {
		keptComp["securitySchemes"] = ss
	}
	out["components"] = keptComp
	return out, nil
}

// refs appends every "#/components/…" string under v (a $ref or a
// discriminator mapping) to acc, in a stable order.
func refs(v any, acc []string) []string {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			acc = refs(t[k], acc)
		}
	case []any:
		for _, e := range t {
			acc = refs(e, acc)
		}
	case string:
		if strings.HasPrefix(t, "#/components/") {
			acc = append(acc, t)
		}
	}
	return acc
}

// dropExamples removes example and examples keys (they are documentation,
// often out of step with the schemas, and most of the file's bulk).
func dropExamples(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if (k == "example" || k == "examples") && !isPropertyMap(t) {
				delete(t, k)
				continue
			}
			dropExamples(e)
		}
	case []any:
		for _, e := range t {
			dropExamples(e)
		}
	}
}

// isPropertyMap reports whether m looks like a schema's properties map,
// where "example" could be a property name (every value is a schema).
func isPropertyMap(m map[string]any) bool {
	for _, v := range m {
		s, ok := v.(map[string]any)
		if !ok {
			return false
		}
		_, hasType := s["type"]
		_, hasRef := s["$ref"]
		_, hasAll := s["allOf"]
		if !hasType && !hasRef && !hasAll {
			return false
		}
	}
	return len(m) > 0
}
