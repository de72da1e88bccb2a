package toolkit

import (
	"reflect"
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
	key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if key == "-" {
		return t, false
	}
	if key == "" {
		key = f.Name
	}
	t = tagsOf(f.Tag)
	t.key = key
	return t, true
}

// tagsOf reads the tags other than the JSON key.
func tagsOf(tag reflect.StructTag) fieldTags {
	t := fieldTags{
		title:           tag.Get("title"),
		required:        tag.Get("required") == "true",
		nullable:        tag.Get("nullable") == "true",
		secret:          tag.Get("secret") == "true",
		unique:          tag.Get("unique") == "true",
		fieldType:       tag.Get("fieldType"),
		semantic:        tag.Get("semantic"),
		resourceType:    tag.Get("resourceType") == "true",
		entitlementType: tag.Get("entitlementType") == "true",
	}
	t.dflt, t.hasDefault = tag.Lookup("default")
	return t
}
