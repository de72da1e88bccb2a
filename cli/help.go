package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/lumosgo/lumos/toolkit"
)

// Help is the capability's detailed help: a request skeleton built from
// its schemas, the connector's settings and credentials, and the
// environment variables it reads. It is only built when help was asked
// for (teach), since kong asks every command for it while building.
func (c *capabilityCommand) Help() string {
	if !c.teach {
		return ""
	}
	return teach(c.integration, c.name)
}

// teach is the detailed help of one capability of in.
func teach(in *toolkit.Integration, name toolkit.CapabilityName) string {
	info, err := in.Info()
	if err != nil {
		return ""
	}
	var b strings.Builder
	arg := info.CapabilitySchema[string(name)].Argument
	skeleton := map[string]any{"request": skeletonOf(arg, arg)}
	if req, err := in.JSONSchema(name, false); err == nil {
		if props, _ := req["properties"].(map[string]any); props["page"] != nil {
			skeleton["page"] = map[string]any{"size": 100}
		}
	}
	settings := schemaFields(info.RequestSettingsSchema)
	if len(settings) > 0 {
		skeleton["settings"] = skeletonOf(info.RequestSettingsSchema, info.RequestSettingsSchema)
	}
	if kind, _ := info.AuthenticationSchema["x-credential-type"].(string); kind != "" {
		skeleton["auth"] = map[string]any{kind: skeletonOf(info.AuthenticationSchema, info.AuthenticationSchema)}
	} else if len(info.CredentialsSchema) > 0 {
		c := info.CredentialsSchema[0]
		kind, _ := c["x-credential-type"].(string)
		skeleton["credentials"] = []any{map[string]any{"id": c["id"], kind: skeletonOf(c, c)}}
	}
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(skeleton)
	b.WriteString("A minimal request (replace the <...> values; or leave auth and settings out and use the variables below):\n\n")
	b.WriteString(indentBlock(doc.String()))
	if fields := schemaFields(arg); len(fields) > 0 {
		b.WriteString("\nRequest fields, under \"request\" (* required):\n\n")
		b.WriteString(indentBlock(fieldTable(fields, "")))
	}
	if len(settings) > 0 {
		b.WriteString("\nSettings, under \"settings\" (* required), and the variable each is read from:\n\n")
		b.WriteString(indentBlock(fieldTable(settings, envPrefix(in))))
	}
	b.WriteString("\n" + credentialsText(in, info))
	b.WriteString("\nThe request is assembled from, later sources winning: the LUMOS_" + strings.TrimPrefix(envPrefix(in), "LUMOS_") +
		"* variables, --json or --json-file, --settings-file and --auth-file, then each --set.\n")
	return b.String()
}

// credentialsText lists the credentials a connector accepts and the
// variables each field is read from.
func credentialsText(in *toolkit.Integration, info toolkit.Info) string {
	vars := connectorEnv(in)
	envOf := func(id, kind, field string) string {
		for _, v := range vars {
			if v.Setting == "" && v.CredentialID == id && v.Kind == kind && v.Field == field {
				return v.Name
			}
		}
		return ""
	}
	var b strings.Builder
	line := func(where, id, kind string, s map[string]any) {
		var parts []string
		for _, f := range schemaFields(s) {
			p := where + "." + f.name
			if e := envOf(id, kind, f.name); e != "" {
				p += " (" + e + ")"
			}
			parts = append(parts, p)
		}
		fmt.Fprintf(&b, "%s\n", strings.Join(parts, ", "))
	}
	if kind, _ := info.AuthenticationSchema["x-credential-type"].(string); kind != "" {
		fmt.Fprintf(&b, "Credentials: one %q credential under \"auth\":\n\n    ", kind)
		line("auth."+kind, "", kind, info.AuthenticationSchema)
		return b.String()
	}
	if len(info.CredentialsSchema) == 0 {
		return "Credentials: none.\n"
	}
	b.WriteString("Credentials, under \"credentials\" as [{\"id\": ID, KIND: {...}}] (accepted kinds by id):\n\n")
	for _, c := range info.CredentialsSchema {
		id, _ := c["id"].(string)
		kind, _ := c["x-credential-type"].(string)
		opt := ""
		if o, _ := c["x-optional"].(bool); o {
			opt = ", optional"
		}
		fmt.Fprintf(&b, "    %s (%s%s): ", id, kind, opt)
		line(kind, id, kind, c)
	}
	return b.String()
}

// fieldTable is one line per field: name (with * when required), type,
// variable (when prefix is set) and the first sentence of its description.
func fieldTable(fields []schemaField, prefix string) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, f := range fields {
		name := f.name
		if f.required {
			name += "*"
		}
		fmt.Fprintf(w, "%s\t%s", name, typeName(f.schema))
		if prefix != "" {
			fmt.Fprintf(w, "\t%s", envName(strings.TrimSuffix(strings.TrimPrefix(prefix, "LUMOS_"), "_"), f.name))
		}
		d, _ := f.schema["description"].(string)
		fmt.Fprintf(w, "\t%s\n", firstSentence(d))
	}
	_ = w.Flush()
	return b.String()
}

// typeName is a property schema's type in a word.
func typeName(p map[string]any) string {
	if t, ok := p["type"].(string); ok {
		return t
	}
	if l := stringList(p["type"]); len(l) > 0 {
		return l[0]
	}
	if ref, ok := p["$ref"].(string); ok {
		return ref[strings.LastIndex(ref, "/")+1:]
	}
	return "any"
}

// firstSentence is the start of a description, up to its first full stop.
func firstSentence(d string) string {
	d, _, _ = strings.Cut(d, "\n")
	if i := strings.Index(d, ". "); i >= 0 {
		d = d[:i+1]
	}
	return escapeHelp(d)
}

// indentBlock indents every line of s by four spaces, which help shows as
// it is, without reflowing.
func indentBlock(s string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("    " + escapeHelp(line) + "\n")
	}
	return b.String()
}

// skeletonOf is a value of schema s holding its required properties with
// placeholders (defs is the document whose $defs a $ref names).
func skeletonOf(s, defs map[string]any) any {
	return skeletonDepth(s, defs, 0)
}

func skeletonDepth(s, defs map[string]any, depth int) any {
	if ref, ok := s["$ref"].(string); ok && depth < 8 {
		d, _ := defs["$defs"].(map[string]any)
		if t, ok := d[ref[strings.LastIndex(ref, "/")+1:]].(map[string]any); ok {
			return skeletonDepth(t, defs, depth+1)
		}
	}
	if def, ok := s["default"]; ok {
		return def
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		return e[0]
	}
	switch {
	case typeIncludes(s, "object") || s["properties"] != nil:
		out := map[string]any{}
		required := stringList(s["required"])
		sort.Strings(required)
		props, _ := s["properties"].(map[string]any)
		for _, r := range required {
			p, _ := props[r].(map[string]any)
			v := skeletonDepth(p, defs, depth+1)
			if str, ok := v.(string); ok && str == "" {
				v = "<" + r + ">"
			}
			out[r] = v
		}
		return out
	case typeIncludes(s, "array"):
		return []any{}
	case typeIncludes(s, "boolean"):
		return false
	case typeIncludes(s, "integer"), typeIncludes(s, "number"):
		return 0
	}
	return ""
}

// authHint is a note for standard error when an answer says credentials
// are missing: which kinds the connector accepts, and where to read more.
// The envelope itself keeps the protocol's message.
func authHint(prog string, in *toolkit.Integration, name toolkit.CapabilityName) string {
	info, err := in.Info()
	if err != nil {
		return ""
	}
	return fmt.Sprintf("hint: %s\nhint: `%s %s --help` shows a whole request\n",
		strings.ReplaceAll(strings.TrimSpace(credentialsText(in, info)), "\n", "\nhint: "), prog, name)
}
