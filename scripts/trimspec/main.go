// Command trimspec cuts GitHub's official OpenAPI description down to the
// operations the GitHub connector uses, plus every component they reference
// (transitively), and writes it with sorted keys so that regenerating it from
// the same input gives the same bytes.
//
// The input is `generated/api.github.com.json` from the npm package
// `@octokit/openapi` (MIT, a copy of github/rest-api-description with the
// x-octokit extension). It also writes a NOTICE file with the package's name,
// version and licence text, read from the package directory.
//
//	cd "$(mktemp -d)" && npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
//	go run ./scripts/trimspec -in "$OLDPWD/package/generated/api.github.com.json"   # from the module root
//
// The list of kept operations is the `operations` variable below; change it
// together with the fake in connectors/github/githubfake.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// operations are the kept operations, "METHOD /path" exactly as in the
// description. Keep them grouped as in the reference's capability table.
var operations = []string{
	// validate_credentials, tenant
	"GET /user",
	"GET /orgs/{org}",
	"GET /rate_limit",
	// account lookups: durable id → today's login, login → id (invitations)
	"GET /user/{account_id}",
	"GET /users/{username}",
	// members and memberships
	"GET /orgs/{org}/members",
	"GET /orgs/{org}/members/{username}",
	"DELETE /orgs/{org}/members/{username}",
	"GET /orgs/{org}/memberships/{username}",
	"PUT /orgs/{org}/memberships/{username}",
	"DELETE /orgs/{org}/memberships/{username}",
	// outside collaborators
	"GET /orgs/{org}/outside_collaborators",
	"PUT /orgs/{org}/outside_collaborators/{username}",
	"DELETE /orgs/{org}/outside_collaborators/{username}",
	// invitations
	"GET /orgs/{org}/invitations",
	"POST /orgs/{org}/invitations",
	"DELETE /orgs/{org}/invitations/{invitation_id}",
	"GET /orgs/{org}/invitations/{invitation_id}/teams",
	"GET /orgs/{org}/failed_invitations",
	// teams
	"GET /orgs/{org}/teams",
	"GET /orgs/{org}/teams/{team_slug}",
	"GET /orgs/{org}/teams/{team_slug}/members",
	"GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
	"PUT /orgs/{org}/teams/{team_slug}/memberships/{username}",
	"DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}",
	"GET /orgs/{org}/teams/{team_slug}/repos",
	"GET /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}",
	"PUT /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}",
	"DELETE /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}",
	// repositories
	"GET /orgs/{org}/repos",
	"GET /repos/{owner}/{repo}/collaborators",
	"GET /repos/{owner}/{repo}/collaborators/{username}",
	"PUT /repos/{owner}/{repo}/collaborators/{username}",
	"DELETE /repos/{owner}/{repo}/collaborators/{username}",
	"GET /repos/{owner}/{repo}/collaborators/{username}/permission",
	"GET /repos/{owner}/{repo}/teams",
	// organization roles (custom repository roles are GHEC-only, not in this description)
	"GET /orgs/{org}/organization-roles",
	"GET /orgs/{org}/organization-roles/{role_id}",
	"GET /orgs/{org}/organization-roles/{role_id}/users",
	"GET /orgs/{org}/organization-roles/{role_id}/teams",
	"PUT /orgs/{org}/organization-roles/users/{username}/{role_id}",
	"DELETE /orgs/{org}/organization-roles/users/{username}/{role_id}",
	"PUT /orgs/{org}/organization-roles/teams/{team_slug}/{role_id}",
	"DELETE /orgs/{org}/organization-roles/teams/{team_slug}/{role_id}",
	// GitHub App installations
	"GET /orgs/{org}/installation",
	"POST /app/installations/{installation_id}/access_tokens",
}

// optional operations are kept when the description has them and skipped
// silently otherwise (they exist only in some variants, e.g. GHEC).
var optional = []string{
	"GET /orgs/{org}/custom-repository-roles",
	"GET /orgs/{org}/custom-repository-roles/{role_id}",
	// GitHub Enterprise Cloud SCIM (connectors/scim in its GitHub dialect),
	// only in generated/ghec.json: trimmed into ghec.trimmed.json
	"GET /scim/v2/enterprises/{enterprise}/Users",
	"POST /scim/v2/enterprises/{enterprise}/Users",
	"GET /scim/v2/enterprises/{enterprise}/Users/{scim_user_id}",
	"PATCH /scim/v2/enterprises/{enterprise}/Users/{scim_user_id}",
	"DELETE /scim/v2/enterprises/{enterprise}/Users/{scim_user_id}",
	"GET /scim/v2/enterprises/{enterprise}/Groups",
	"GET /scim/v2/enterprises/{enterprise}/Groups/{scim_group_id}",
	"PATCH /scim/v2/enterprises/{enterprise}/Groups/{scim_group_id}",
}

const note = "Trimmed by lumos scripts/trimspec: only the operations the GitHub connector uses, plus the components they reference. See testdata/github/NOTICE for source and licence."

func main() {
	in := flag.String("in", "", "path to api.github.com.json from @octokit/openapi (required)")
	pkg := flag.String("pkg", "", "package directory holding package.json and LICENSE (default: two levels above -in)")
	out := flag.String("out", "testdata/github/api.github.com.trimmed.json", "trimmed description to write")
	notice := flag.String("notice", "testdata/github/NOTICE", "attribution file to write (empty: skip)")
	flag.Parse()
	if *in == "" {
		flag.Usage()
		os.Exit(2)
	}
	if *pkg == "" {
		*pkg = filepath.Dir(filepath.Dir(*in))
	}
	if err := run(*in, *pkg, *out, *notice); err != nil {
		fmt.Fprintln(os.Stderr, "trimspec:", err)
		os.Exit(1)
	}
}

func run(in, pkg, out, notice string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	doc, err := decode(raw)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	trimmed, stats, err := trim(doc, operations, optional)
	if err != nil {
		return err
	}
	b, err := encode(trimmed)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "trimspec: wrote %s (%d bytes): %s\n", out, len(b), stats)
	if notice == "" {
		return nil
	}
	text, err := noticeText(pkg, in, filepath.Base(out), doc)
	if err != nil {
		return err
	}
	return os.WriteFile(notice, []byte(text), 0o644)
}

func decode(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // keep numbers exactly as written
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// encode writes sorted keys (encoding/json sorts map keys), two-space indent,
// no HTML escaping, trailing newline.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var methods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true, "trace": true}

func trim(doc map[string]any, operations, optional []string) (map[string]any, string, error) {
	paths, _ := doc["paths"].(map[string]any)
	if paths == nil {
		return nil, "", errors.New("no paths")
	}
	components, _ := doc["components"].(map[string]any)
	keptPaths, ops, err := selectOperations(paths, operations, optional)
	if err != nil {
		return nil, "", err
	}
	kept, err := referenced(keptPaths, components)
	if err != nil {
		return nil, "", err
	}
	keptComponents := map[string]any{}
	var counts []string
	for kind, m := range kept {
		keptComponents[kind] = m
		counts = append(counts, fmt.Sprintf("%d %s", len(m), kind))
	}
	sort.Strings(counts)

	tags := usedTags(doc, keptPaths)

	out := map[string]any{}
	for _, k := range []string{"openapi", "servers", "externalDocs"} {
		if v, ok := doc[k]; ok {
			out[k] = v
		}
	}
	info := map[string]any{}
	if m, ok := doc["info"].(map[string]any); ok {
		for k, v := range m {
			info[k] = v
		}
	}
	info["x-lumos-trimmed"] = note
	out["info"] = info
	out["paths"] = keptPaths
	out["components"] = keptComponents
	if len(tags) > 0 {
		out["tags"] = tags
	}
	stats := fmt.Sprintf("%d paths, %d operations, %s", len(keptPaths), ops, strings.Join(counts, ", "))
	return out, stats, nil
}

// refs appends every "$ref" string found in v.
func refs(v any, acc []string) []string {
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x["$ref"].(string); ok {
			acc = append(acc, r)
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys) // deterministic traversal (not needed for output, helps debugging)
		for _, k := range keys {
			acc = refs(x[k], acc)
		}
	case []any:
		for _, e := range x {
			acc = refs(e, acc)
		}
	}
	return acc
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

func noticeText(pkgDir, in, outName string, doc map[string]any) (string, error) {
	var meta struct {
		Name       string `json:"name"`
		Version    string `json:"version"`
		License    string `json:"license"`
		Repository any    `json:"repository"`
	}
	b, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if err != nil {
		return "", fmt.Errorf("package metadata (set -pkg): %w", err)
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return "", fmt.Errorf("package.json: %w", err)
	}
	lic, err := os.ReadFile(filepath.Join(pkgDir, "LICENSE"))
	if err != nil {
		return "", fmt.Errorf("licence text (set -pkg): %w", err)
	}
	repo := fmt.Sprint(meta.Repository)
	if m, ok := meta.Repository.(map[string]any); ok {
		repo = fmt.Sprint(m["url"])
	}
	var upstream string
	if info, ok := doc["info"].(map[string]any); ok {
		upstream, _ = info["description"].(string)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s is derived from GitHub's official REST API OpenAPI description.\n\n", outName)
	fmt.Fprintf(&sb, "Source:   npm package %s@%s, file generated/%s\n", meta.Name, meta.Version, filepath.Base(in))
	fmt.Fprintf(&sb, "          (repository %s; licence %s)\n", repo, meta.License)
	if upstream != "" {
		fmt.Fprintf(&sb, "Upstream: %s\n", upstream)
	}
	fmt.Fprintf(&sb, "Changes:  only the operations used by the lumos GitHub connector and the components\n")
	fmt.Fprintf(&sb, "          they reference are kept; keys are sorted; info.x-lumos-trimmed is added.\n")
	fmt.Fprintf(&sb, "          Regenerate with scripts/trimspec (see its package comment).\n\n")
	fmt.Fprintf(&sb, "Licence of the source package (%s):\n\n%s", meta.License, strings.TrimRight(string(lic), "\n")+"\n")
	return sb.String(), nil
}

// selectOperations copies the operations named "METHOD /path" out of paths,
// with their path-level fields; a missing one is an error unless optional.
func selectOperations(paths map[string]any, operations, optional []string) (map[string]any, int, error) {
	keptPaths := map[string]any{}
	ops := 0
	want := func(spec string, must bool) error {
		method, path, ok := strings.Cut(spec, " ")
		if !ok {
			return fmt.Errorf("bad operation %q", spec)
		}
		method = strings.ToLower(method)
		item, _ := paths[path].(map[string]any)
		op := item[method]
		if op == nil {
			if must {
				return fmt.Errorf("operation %s not in the description", spec)
			}
			return nil
		}
		dst, _ := keptPaths[path].(map[string]any)
		if dst == nil {
			dst = map[string]any{}
			// path-level fields (parameters, summary, ...) apply to every operation
			for k, v := range item {
				if !methods[k] {
					dst[k] = v
				}
			}
			keptPaths[path] = dst
		}
		dst[method] = op
		ops++
		return nil
	}
	for _, s := range operations {
		if err := want(s, true); err != nil {
			return nil, 0, err
		}
	}
	for _, s := range optional {
		if err := want(s, false); err != nil {
			return nil, 0, err
		}
	}
	return keptPaths, ops, nil
}

// referenced is the transitive closure of the "#/components/<kind>/<name>"
// references from keptPaths: kind -> name -> value.
func referenced(keptPaths, components map[string]any) (map[string]map[string]any, error) {
	kept := map[string]map[string]any{}
	queue := []any{keptPaths}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, ref := range refs(v, nil) {
			kind, name, err := splitComponentRef(ref)
			if err != nil {
				return nil, err
			}
			if kept[kind][name] != nil {
				continue
			}
			byKind, _ := components[kind].(map[string]any)
			target := byKind[name]
			if target == nil {
				return nil, fmt.Errorf("dangling $ref %q", ref)
			}
			if kept[kind] == nil {
				kept[kind] = map[string]any{}
			}
			kept[kind][name] = target
			queue = append(queue, target)
		}
	}
	return kept, nil
}

// splitComponentRef splits "#/components/<kind>/<name>".
func splitComponentRef(ref string) (kind, name string, err error) {
	rest, ok := strings.CutPrefix(ref, "#/components/")
	if !ok {
		return "", "", fmt.Errorf("unsupported $ref %q", ref)
	}
	kind, name, ok = strings.Cut(rest, "/")
	if !ok || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("unsupported $ref %q", ref)
	}
	return kind, unescapePointer(name), nil
}

// usedTags returns the document's tags that the kept operations use, in
// the document's order.
func usedTags(doc, keptPaths map[string]any) []any {
	used := map[string]bool{}
	for _, item := range keptPaths {
		for k, op := range item.(map[string]any) {
			if !methods[k] {
				continue
			}
			tags, _ := op.(map[string]any)["tags"].([]any)
			for _, t := range tags {
				if s, ok := t.(string); ok {
					used[s] = true
				}
			}
		}
	}
	var tags []any
	all, _ := doc["tags"].([]any)
	for _, t := range all {
		if m, ok := t.(map[string]any); ok && used[fmt.Sprint(m["name"])] {
			tags = append(tags, t)
		}
	}
	return tags
}
