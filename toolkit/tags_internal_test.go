package toolkit

import (
	"reflect"
	"strings"
	"testing"

	"github.com/matryer/is"
)

// tagsByLookup is what the tags read as when each is looked up on its own
// with reflect.StructTag, the reading parseTags must match.
func tagsByLookup(tag reflect.StructTag) (fieldTags, string) {
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
	return t, tag.Get("json")
}

func TestParseTagsReadsAsStructTagLookup(t *testing.T) {
	tests := []struct {
		name string
		tag  string
	}{
		{"empty", ``},
		{"json only", `json:"host"`},
		{"json options", `json:"host,omitempty"`},
		{"every tag", `json:"k" title:"T" required:"true" nullable:"true" secret:"true" unique:"true" default:"3" fieldType:"SECRET" semantic:"EMAIL" resourceType:"true" entitlementType:"true"`},
		{"false values", `required:"false" secret:"yes" unique:"1"`},
		{"empty default", `json:"n" default:""`},
		{"first value wins", `title:"first" title:"second" json:"a" json:"b"`},
		{"unknown tags skipped", `description:"x \"quoted\" y" minimum:"0" title:"T"`},
		{"escapes", `title:"a\tb\\c\"d" default:"\u00e9"`},
		{"bad escape: that key is absent, others read on", `title:"\q" json:"k" secret:"true"`},
		{"bad escape then the same key again", `default:"\q" default:"1"`},
		{"extra spaces", `   json:"k"    title:"T"   `},
		{"syntax error ends the tag", `json:"k" title "T" secret:"true"`},
		{"unquoted value", `json:k secret:"true"`},
		{"unterminated value", `json:"k" title:"T`},
		{"no value", `json:`},
		{"control character in the name", "ti\x01tle:\"T\" json:\"k\""},
		{"quote in the name", `ti"tle:"T" json:"k"`},
		{"key followed by space", `json :"k"`},
		{"non-ASCII values", `title:"Hôte" default:"日本"`},
		{"escaped backslash before the closing quote", `title:"a\\\\" json:"k" description:"\\\"" secret:"true"`},
		{"long description skipped", `description:"` + strings.Repeat(`words \"and\" more `, 40) + `" json:"k" required:"true"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			got, gotJSON := parseTags(tt.tag)
			want, wantJSON := tagsByLookup(reflect.StructTag(tt.tag))
			is.Equal(got, want)
			is.Equal(gotJSON, wantJSON)
		})
	}
}

// FuzzParseTags: parseTags reads any tag as reflect.StructTag.Lookup does.
func FuzzParseTags(f *testing.F) {
	for _, seed := range []string{`json:"k" title:"T"`, `title:"a\\\"b" secret:"true"`, `description:"\\" json:"x"`, `json:"k`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		got, gotJSON := parseTags(tag)
		want, wantJSON := tagsByLookup(reflect.StructTag(tag))
		if got != want || gotJSON != wantJSON {
			t.Fatalf("parseTags(%q) = %+v, %q; Lookup reads %+v, %q", tag, got, gotJSON, want, wantJSON)
		}
	})
}

func TestReadTags(t *testing.T) {
	type model struct {
		Plain   string
		Keyed   string `json:"keyed,omitempty" required:"true"`
		Omitted string `json:"-" secret:"true"`
		//lint:ignore U1000 read by reflection only
		unexported string
	}
	tests := []struct {
		field string
		ok    bool
		want  fieldTags
	}{
		{"Plain", true, fieldTags{key: "Plain"}},
		{"Keyed", true, fieldTags{key: "keyed", required: true}},
		{"Omitted", false, fieldTags{}},
		{"unexported", false, fieldTags{}},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			is := is.New(t)
			f, found := reflect.TypeFor[model]().FieldByName(tt.field)
			is.True(found)
			got, ok := readTags(f)
			is.Equal(ok, tt.ok)
			if ok {
				is.Equal(got, tt.want)
			}
		})
	}
}

func BenchmarkParseTags(b *testing.B) {
	tag := strings.Repeat(`description:"A field of the model." `, 3) + `json:"k" title:"T" required:"true" secret:"true" default:"3"`
	for b.Loop() {
		parseTags(tag)
	}
}

func BenchmarkTagsByLookup(b *testing.B) {
	tag := reflect.StructTag(strings.Repeat(`description:"A field of the model." `, 3) + `json:"k" title:"T" required:"true" secret:"true" default:"3"`)
	for b.Loop() {
		tagsByLookup(tag)
	}
}
