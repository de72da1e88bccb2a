package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Version is the OpenAPI version a document is written in.
type Version string

// The OpenAPI versions Spec writes.
const (
	OpenAPI30 Version = "3.0" // written as "openapi: 3.0.3": nullable, no type lists (the default, as upstream)
	OpenAPI31 Version = "3.1" // written as "openapi: 3.1.0": JSON Schema 2020-12 type lists
)

// Format is how a document is written.
type Format string

// The formats a document can be written in.
const (
	YAML Format = "yaml" // block YAML, the default, as upstream ships its spec
	JSON Format = "json" // indented JSON
)

// Document is an OpenAPI document as a tree of JSON values.
type Document struct {
	tree map[string]any
}

// Map returns the document's tree. It is the document itself, not a copy:
// callers must not modify it.
func (d *Document) Map() map[string]any { return d.tree }

// Encode writes the document in format f.
func (d *Document) Encode(f Format) ([]byte, error) {
	switch f {
	case YAML:
		return d.YAML()
	case JSON:
		return d.JSON()
	}
	return nil, fmt.Errorf("openapi: unknown format %q; use %q or %q", f, YAML, JSON)
}

// JSON writes the document as JSON indented by two spaces, without a
// trailing newline. HTML characters are not escaped.
func (d *Document) JSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	for i, k := range rootKeys(d.tree) {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  ")
		b.Write(quoteJSON(k))
		b.WriteString(": ")
		v, err := indentedJSON(d.tree[k], "  ")
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	if len(d.tree) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

// YAML writes the document as block YAML, ending with a newline. Strings
// are plain when that is unambiguous and double-quoted (with JSON escapes,
// which YAML shares) otherwise.
func (d *Document) YAML() ([]byte, error) {
	var b bytes.Buffer
	if err := writeYAMLMap(&b, d.tree, 0, rootKeys(d.tree)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// rootOrder is the order of the document's top-level keys; others follow, sorted.
var rootOrder = []string{"openapi", "info", "servers", "tags", "paths", "components", "security"}

func rootKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for _, k := range rootOrder {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(rootOrder, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(keys, rest...)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// indentedJSON encodes v with sorted keys, continuation lines prefixed.
func indentedJSON(v any, prefix string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func quoteJSON(s string) []byte {
	b, _ := indentedJSON(s, "") // a string always encodes
	return b
}

// writeYAMLMap writes m's entries, in the order of keys, at indent.
func writeYAMLMap(b *bytes.Buffer, m map[string]any, indent int, keys []string) error {
	pad := strings.Repeat(" ", indent)
	for _, k := range keys {
		b.WriteString(pad)
		b.WriteString(yamlString(k))
		b.WriteString(":")
		if err := writeYAMLValue(b, m[k], indent, true); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

// writeYAMLValue writes v after a "key:" or "-" already written on the
// current line. inMap tells a mapping value (whose sequences start at the
// key's indentation, as yaml.v2 writes them) from a sequence item.
func writeYAMLValue(b *bytes.Buffer, v any, indent int, inMap bool) error {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			b.WriteString(" {}\n")
			return nil
		}
		if inMap {
			b.WriteString("\n")
			return writeYAMLMap(b, x, indent+2, sortedKeys(x))
		}
		// A mapping in a sequence item starts on the dash's line.
		var inner bytes.Buffer
		if err := writeYAMLMap(&inner, x, indent+2, sortedKeys(x)); err != nil {
			return err
		}
		b.WriteString(" ")
		b.Write(inner.Bytes()[indent+2:])
		return nil
	case []any:
		if len(x) == 0 {
			b.WriteString(" []\n")
			return nil
		}
		itemIndent := indent
		if !inMap {
			itemIndent = indent + 2
		}
		pad := strings.Repeat(" ", itemIndent)
		for i, item := range x {
			if i > 0 || inMap {
				if i == 0 {
					b.WriteString("\n")
				}
				b.WriteString(pad)
			} else {
				b.WriteString(" ") // the first item of a nested sequence shares its parent's dash line
			}
			b.WriteString("-")
			if err := writeYAMLValue(b, item, itemIndent, false); err != nil {
				return err
			}
		}
		return nil
	default:
		s, err := yamlScalar(v)
		if err != nil {
			return err
		}
		b.WriteString(" ")
		b.WriteString(s)
		b.WriteString("\n")
		return nil
	}
}

func yamlScalar(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case bool:
		return strconv.FormatBool(x), nil
	case string:
		return yamlString(x), nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", fmt.Errorf("unsupported number %v", x)
		}
		return string(quoteNumber(x)), nil
	case json.Number:
		return x.String(), nil
	}
	return "", fmt.Errorf("unsupported value of type %T", v)
}

func quoteNumber(f float64) []byte {
	b, _ := json.Marshal(f) // finite numbers always encode
	return b
}

// plainYAML matches the strings that can be written unquoted and read back
// as the same string by YAML 1.1 and 1.2 parsers.
var plainYAML = regexp.MustCompile(`^[A-Za-z_/$][A-Za-z0-9_./$(),' -]*$`)

// yamlKeywords are plain words YAML 1.1 or 1.2 reads as something other than a string.
var yamlKeywords = map[string]bool{
	"y": true, "yes": true, "n": true, "no": true, "true": true, "false": true,
	"on": true, "off": true, "null": true,
}

func yamlString(s string) string {
	if plainYAML.MatchString(s) && !strings.HasSuffix(s, " ") && !yamlKeywords[strings.ToLower(s)] {
		return s
	}
	return string(quoteJSON(s))
}
