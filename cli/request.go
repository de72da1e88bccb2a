package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
)

// inputFlags fill in the request document from files, the environment
// and the command line, so secrets need not be written on it.
type inputFlags struct {
	AuthFile     string   `name:"auth-file" placeholder:"PATH" help:"Read the credential from a JSON file: an auth object such as {\"basic\":{...}}, a credentials array, or an object with \"auth\" or \"credentials\". It replaces the request's auth and credentials."`
	SettingsFile string   `name:"settings-file" placeholder:"PATH" help:"Read settings from a JSON object file; each setting in it replaces the request's."`
	Set          []string `name:"set" placeholder:"PATH=VALUE" sep:"none" help:"Set one value of the request document, e.g. settings.org=acme, request.account_id=42 or page.token=...; VALUE is JSON when it parses as JSON, else a string. Repeatable; applied last."`
}

// given reports whether any flag brings part of the request.
func (f inputFlags) given() bool {
	return f.AuthFile != "" || f.SettingsFile != "" || len(f.Set) > 0
}

// maxInputFile bounds --auth-file and --settings-file.
const maxInputFile = 1 << 20

// envVar is one environment variable a connector's schema gives rise to:
// the value of a setting or of a credential's field.
type envVar struct {
	Name string // LUMOS_<APP>_...
	// Where the value goes: a setting, or a field of a credential of the
	// given kind (under "auth", or under "credentials" with CredentialID).
	Setting      string
	CredentialID string
	Kind         string
	Field        string
	Secret       bool
	JSONTyped    bool // the schema's type is not a string: the value is read as JSON when it parses
}

// Path is where the variable's value lands in the request document.
func (v envVar) Path() string {
	switch {
	case v.Setting != "":
		return "settings." + v.Setting
	case v.CredentialID != "":
		return fmt.Sprintf("credentials[id=%s].%s.%s", v.CredentialID, v.Kind, v.Field)
	}
	return "auth." + v.Kind + "." + v.Field
}

// envName is LUMOS_ and the upper-cased words joined by _, any character
// other than a letter or digit becoming _.
func envName(words ...string) string {
	var b strings.Builder
	b.WriteString("LUMOS")
	for _, w := range words {
		b.WriteByte('_')
		for _, r := range strings.ToUpper(w) {
			if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
			}
		}
	}
	return b.String()
}

// envPrefix is the start of every variable of a connector.
func envPrefix(in *toolkit.Integration) string { return envName(in.AppID()) + "_" }

// connectorEnv lists the environment variables a connector reads: one per
// field of its credentials (LUMOS_<APP>_<FIELD> for a single credential,
// LUMOS_<APP>_<ID>_<FIELD> in a credentials list, or LUMOS_<APP>_<ID> when
// the field is named as the credential), then one per top-level setting
// (LUMOS_<APP>_<SETTING>). A name already taken is not given twice: the
// credential's field keeps it.
func connectorEnv(in *toolkit.Integration) []envVar {
	info, err := in.Info()
	if err != nil {
		return nil
	}
	app := in.AppID()
	var vars []envVar
	taken := map[string]bool{}
	add := func(v envVar) {
		if !taken[v.Name] {
			taken[v.Name] = true
			vars = append(vars, v)
		}
	}
	if kind, _ := info.AuthenticationSchema["x-credential-type"].(string); kind != "" {
		for _, f := range schemaFields(info.AuthenticationSchema) {
			add(envVar{Name: envName(app, f.name), Kind: kind, Field: f.name, Secret: f.secret, JSONTyped: f.jsonTyped})
		}
	}
	for _, c := range info.CredentialsSchema {
		id, _ := c["id"].(string)
		kind, _ := c["x-credential-type"].(string)
		if id == "" || kind == "" {
			continue
		}
		for _, f := range schemaFields(c) {
			name := envName(app, id, f.name)
			if f.name == id {
				name = envName(app, id)
			}
			add(envVar{Name: name, CredentialID: id, Kind: kind, Field: f.name, Secret: f.secret, JSONTyped: f.jsonTyped})
		}
	}
	for _, f := range schemaFields(info.RequestSettingsSchema) {
		add(envVar{Name: envName(app, f.name), Setting: f.name, Secret: f.secret, JSONTyped: f.jsonTyped})
	}
	return vars
}

// schemaField is one property of an object schema.
type schemaField struct {
	name      string
	secret    bool
	jsonTyped bool
	required  bool
	schema    map[string]any
}

// schemaFields lists an object schema's properties in its field_order,
// then the others sorted.
func schemaFields(s map[string]any) []schemaField {
	props, _ := s["properties"].(map[string]any)
	var names []string
	seen := map[string]bool{}
	if order, ok := s["field_order"].([]string); ok {
		names = append(names, order...)
	} else if order, ok := s["field_order"].([]any); ok {
		for _, o := range order {
			if n, ok := o.(string); ok {
				names = append(names, n)
			}
		}
	}
	for _, n := range names {
		seen[n] = true
	}
	var rest []string
	for n := range props {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	names = append(names, rest...)
	required := map[string]bool{}
	for _, r := range stringList(s["required"]) {
		required[r] = true
	}
	var out []schemaField
	for _, n := range names {
		p, ok := props[n].(map[string]any)
		if !ok {
			continue
		}
		secret, _ := p["x-secret"].(bool)
		out = append(out, schemaField{name: n, secret: secret, jsonTyped: !typeIncludes(p, "string"), required: required[n], schema: p})
	}
	return out
}

// stringList reads a JSON list of strings whichever way it was built.
func stringList(v any) []string {
	switch l := v.(type) {
	case []string:
		return l
	case []any:
		var out []string
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// typeIncludes reports whether a property schema's type is or includes t;
// a schema without a type counts as a string.
func typeIncludes(p map[string]any, t string) bool {
	switch v := p["type"].(type) {
	case string:
		return v == t
	case nil:
		return t == "string"
	}
	for _, e := range stringList(p["type"]) {
		if e == t {
			return true
		}
	}
	return false
}

// hasConnectorEnv reports whether the environment holds any variable of
// the connector's (a cheap test the fast path makes).
func hasConnectorEnv(in *toolkit.Integration) bool {
	prefix := envPrefix(in)
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, prefix) {
			return true
		}
	}
	return false
}

// envLayer is the part of a request the environment gives, nil if none.
func envLayer(in *toolkit.Integration, getenv func(string) (string, bool)) map[string]any {
	layer := map[string]any{}
	creds := map[string]map[string]any{}
	var credOrder []string
	for _, v := range connectorEnv(in) {
		raw, ok := getenv(v.Name)
		if !ok {
			continue
		}
		var val any = raw
		if v.JSONTyped {
			val = parseValue(raw)
		}
		switch {
		case v.Setting != "":
			setIn(layer, val, "settings", v.Setting)
		case v.CredentialID != "":
			c := creds[v.CredentialID]
			if c == nil {
				c = map[string]any{"id": v.CredentialID}
				creds[v.CredentialID] = c
				credOrder = append(credOrder, v.CredentialID)
			}
			setIn(c, val, v.Kind, v.Field)
		default:
			setIn(layer, val, "auth", v.Kind, v.Field)
		}
	}
	if len(credOrder) > 0 {
		list := make([]any, 0, len(credOrder))
		for _, id := range credOrder {
			list = append(list, creds[id])
		}
		layer["credentials"] = list
	}
	if len(layer) == 0 {
		return nil
	}
	return layer
}

// parseValue reads s as JSON when it is JSON, else keeps it a string.
func parseValue(s string) any {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil && !dec.More() {
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			return v
		}
	}
	return s
}

// setIn sets obj[path...] = val, creating objects on the way.
func setIn(obj map[string]any, val any, path ...string) {
	for _, k := range path[:len(path)-1] {
		next, ok := obj[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[k] = next
		}
		obj = next
	}
	obj[path[len(path)-1]] = val
}

// merge lays over on top of base: settings, request and page are merged
// key by key (nested objects too); auth and credentials come together
// from the upper layer when it has either; anything else is replaced.
func merge(base, over map[string]any) {
	_, hasAuth := over["auth"]
	_, hasCreds := over["credentials"]
	if hasAuth || hasCreds {
		delete(base, "auth")
		delete(base, "credentials")
	}
	for k, v := range over {
		switch k {
		case "settings", "request", "page":
			b, bok := base[k].(map[string]any)
			o, ook := v.(map[string]any)
			if bok && ook {
				deepMerge(b, o)
				continue
			}
		}
		base[k] = v
	}
}

func deepMerge(base, over map[string]any) {
	for k, v := range over {
		b, bok := base[k].(map[string]any)
		o, ook := v.(map[string]any)
		if bok && ook {
			deepMerge(b, o)
		} else {
			base[k] = v
		}
	}
}

// decodeObject decodes a JSON object keeping numbers exact.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}

// buildRequest is the request document the call sends: body (nil when no
// --json or --json-file was given) with the environment under it and the
// files and --set values over it. With nothing to add, body is returned
// as it is, byte for byte.
func (f inputFlags) buildRequest(in *toolkit.Integration, body []byte, getenv func(string) (string, bool), stderr io.Writer) ([]byte, error) {
	if !f.given() && !hasConnectorEnv(in) {
		return body, nil // the common call: reading the schemas (in.Info) would cost milliseconds
	}
	env := envLayer(in, getenv)
	if env == nil && !f.given() {
		return body, nil
	}
	doc := map[string]any{}
	if env != nil {
		merge(doc, env)
	}
	if body != nil {
		m, err := decodeObject(body)
		if err != nil {
			if !f.given() {
				return body, nil // the pipeline explains a malformed request, as it always has
			}
			return nil, usageError{"the request document is not a JSON object, so --auth-file, --settings-file and --set cannot be applied to it"}
		}
		merge(doc, m)
	} else if _, ok := doc["request"]; !ok {
		doc["request"] = map[string]any{}
	}
	if err := f.applyFiles(doc, stderr); err != nil {
		return nil, err
	}
	for _, s := range f.Set {
		if err := setPath(doc, s); err != nil {
			return nil, err
		}
	}
	return json.Marshal(doc)
}

// applyFiles lays --auth-file and --settings-file over doc.
func (f inputFlags) applyFiles(doc map[string]any, stderr io.Writer) error {
	if f.SettingsFile != "" {
		b, err := readInputFile("--settings-file", f.SettingsFile, false, stderr)
		if err != nil {
			return err
		}
		m, err := decodeObject(b)
		if err != nil {
			return fmt.Errorf("--settings-file %s: %w", f.SettingsFile, err)
		}
		merge(doc, map[string]any{"settings": m})
	}
	if f.AuthFile != "" {
		b, err := readInputFile("--auth-file", f.AuthFile, true, stderr)
		if err != nil {
			return err
		}
		layer, err := authLayer(b)
		if err != nil {
			return fmt.Errorf("--auth-file %s: %w", f.AuthFile, err)
		}
		merge(doc, layer)
	}
	return nil
}

// authLayer reads an --auth-file: a credentials array, an object with
// "auth" or "credentials", or an auth object.
func authLayer(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errors.New("not JSON") // never the decoder's message: it may quote the secret
	}
	switch t := v.(type) {
	case []any:
		return map[string]any{"credentials": t}, nil
	case map[string]any:
		_, a := t["auth"]
		_, c := t["credentials"]
		if a || c {
			out := map[string]any{}
			for _, k := range []string{"auth", "credentials"} {
				if x, ok := t[k]; ok {
					out[k] = x
				}
			}
			return out, nil
		}
		return map[string]any{"auth": t}, nil
	}
	return nil, errors.New("neither a JSON object nor an array")
}

// readInputFile reads a small JSON file without following a symbolic link
// as its last path element and without waiting on a FIFO; it must be a
// regular file. A credentials file others can read earns a warning.
func readInputFile(flag, path string, secret bool, stderr io.Writer) ([]byte, error) {
	path = unquote(path)
	f, err := openNoFollow(path, os.O_RDONLY, 0)
	if err != nil {
		if isSymlink(path) {
			return nil, fmt.Errorf("%s: %w", flag, symlinkError(path))
		}
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %s is not a regular file", flag, path)
	}
	if secret && fi.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(stderr, "warning: %s %s can be read by other users (mode %04o); chmod 600 it\n", flag, path, fi.Mode().Perm())
	}
	b, err := io.ReadAll(io.LimitReader(f, maxInputFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	if len(b) > maxInputFile {
		return nil, fmt.Errorf("%s: %s is larger than %d bytes", flag, path, maxInputFile)
	}
	return b, nil
}

// setPath applies one --set PATH=VALUE. PATH is dot-separated keys, the
// first one of auth, credentials, settings, request or page; a number
// indexes an array. The value is never quoted back in errors.
func setPath(doc map[string]any, spec string) error {
	path, raw, ok := strings.Cut(spec, "=")
	if !ok || path == "" {
		return usageError{"--set wants PATH=VALUE, e.g. settings.org=acme; one of its arguments has no '=' (not shown: it may be a secret)"}
	}
	keys := strings.Split(path, ".")
	switch keys[0] {
	case "auth", "credentials", "settings", "request", "page":
	default:
		return usageError{fmt.Sprintf("--set %s: the path must start with auth, credentials, settings, request or page", path)}
	}
	val := parseValue(raw)
	var cur any = doc
	for i, k := range keys {
		last := i == len(keys)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[k] = val
				return nil
			}
			next, exists := c[k]
			if !exists || next == nil {
				next = map[string]any{}
				c[k] = next
			}
			cur = next
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(c) {
				return usageError{fmt.Sprintf("--set %s: %s is an array; %q is not one of its indexes (0 to %d)", path, strings.Join(keys[:i], "."), k, len(c)-1)}
			}
			if last {
				c[n] = val
				return nil
			}
			cur = c[n]
		default:
			return usageError{fmt.Sprintf("--set %s: %s is not an object", path, strings.Join(keys[:i], "."))}
		}
	}
	return nil
}
