package toolkit

import (
	"reflect"
	"strconv"
	"strings"
)

// fieldTags is what lumos reads from a struct field's tags. Every reader
// of a model's tags (decoding, schemas, fingerprints, credential checks)
// goes through readTags, so a tag means the same thing everywhere.
//
// The tags, on a model or settings field:
//
//	json:"key"            the JSON key ("-" leaves the field out)
//	required:"true"       the key must be present
//	nullable:"true"       null is allowed even for a required key
//	secret:"true"         the value is a secret: masked in logs and output, x-secret in schemas
//	default:"..."         the value when the key is absent (settings)
//	title:"..."           the field's title in schemas (default: the key in Title Case) and in "Missing required settings" (default: the key)
//	description:"..."     the field's description in schemas
//	fieldType:"..."       x-field_type in schemas (SECRET for secrets by default)
//	semantic:"..."        x-semantic in schemas
//	unique:"true"         part of a write's identity in execution summaries; x-unique
//	resourceType:"true"   x-resource-type in schemas
//	entitlementType:"true" x-entitlement-type in schemas
type fieldTags struct {
	key             string
	title           string
	required        bool
	nullable        bool
	secret          bool
	unique          bool
	dflt            string
	hasDefault      bool
	fieldType       string
	semantic        string
	resourceType    bool
	entitlementType bool
}

// readTags reads f's tags. ok is false for a field that is not part of the
// JSON document: unexported, embedded (its fields are promoted) or json:"-".
func readTags(f reflect.StructField) (t fieldTags, ok bool) {
	if !f.IsExported() || f.Anonymous {
		return t, false
	}
	t, jsonTag := parseTags(string(f.Tag))
	key, _, _ := strings.Cut(jsonTag, ",")
	if key == "-" {
		return t, false
	}
	if key == "" {
		key = f.Name
	}
	t.key = key
	return t, true
}

// tagsOf reads the tags other than the JSON key.
func tagsOf(tag reflect.StructTag) fieldTags {
	t, _ := parseTags(string(tag))
	return t
}

// Bits naming the tags parseTags reads, to keep the first value of each.
const (
	tagJSON uint16 = 1 << iota
	tagTitle
	tagRequired
	tagNullable
	tagSecret
	tagUnique
	tagDefault
	tagFieldType
	tagSemantic
	tagResourceType
	tagEntitlementType
)

// tagBit names the tags parseTags reads; 0 for any other.
func tagBit(name string) uint16 {
	switch name {
	case "json":
		return tagJSON
	case "title":
		return tagTitle
	case "required":
		return tagRequired
	case "nullable":
		return tagNullable
	case "secret":
		return tagSecret
	case "unique":
		return tagUnique
	case "default":
		return tagDefault
	case "fieldType":
		return tagFieldType
	case "semantic":
		return tagSemantic
	case "resourceType":
		return tagResourceType
	case "entitlementType":
		return tagEntitlementType
	}
	return 0
}

// parseTags reads every tag lumos knows, and the json tag, in one pass over
// tag: the same reading as reflect.StructTag.Lookup for each (the first
// value of a key counts; a key whose value does not unquote is absent; a
// syntax error ends the tag), which would rescan the whole tag once per key.
func parseTags(tag string) (t fieldTags, jsonTag string) {
	var seen uint16
	for tag != "" {
		i := 0
		for i < len(tag) && tag[i] == ' ' {
			i++
		}
		tag = tag[i:]
		if tag == "" {
			break
		}
		i = 0
		for i < len(tag) && tag[i] > ' ' && tag[i] != ':' && tag[i] != '"' && tag[i] != 0x7f {
			i++
		}
		if i == 0 || i+1 >= len(tag) || tag[i] != ':' || tag[i+1] != '"' {
			break
		}
		name := tag[:i]
		tag = tag[i+1:]
		i = closingQuote(tag)
		if i < 0 {
			break
		}
		quoted := tag[:i+1]
		tag = tag[i+1:]
		bit := tagBit(name)
		if bit == 0 || seen&bit != 0 {
			continue
		}
		seen |= bit
		value, err := strconv.Unquote(quoted)
		if err != nil {
			continue
		}
		if bit == tagJSON {
			jsonTag = value
			continue
		}
		t.set(bit, value)
	}
	return t, jsonTag
}

// closingQuote returns the index of the quote that ends the quoted string
// s starts with, or -1. Descriptions make tags long: it jumps from quote to
// quote (strings.IndexByte) rather than stepping through every byte.
func closingQuote(s string) int {
	i := 1
	for {
		j := strings.IndexByte(s[i:], '"')
		if j < 0 {
			return -1
		}
		i += j
		backslashes := 0
		for k := i - 1; k > 0 && s[k] == '\\'; k-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i
		}
		i++
	}
}

// set stores the value of the tag bit names.
func (t *fieldTags) set(bit uint16, value string) {
	switch bit {
	case tagTitle:
		t.title = value
	case tagRequired:
		t.required = value == "true"
	case tagNullable:
		t.nullable = value == "true"
	case tagSecret:
		t.secret = value == "true"
	case tagUnique:
		t.unique = value == "true"
	case tagDefault:
		t.dflt, t.hasDefault = value, true
	case tagFieldType:
		t.fieldType = value
	case tagSemantic:
		t.semantic = value
	case tagResourceType:
		t.resourceType = value == "true"
	case tagEntitlementType:
		t.entitlementType = value == "true"
	}
}
