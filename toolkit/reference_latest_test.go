package toolkit_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// referenceLatest is testdata/reference/models-latest.json: what is known
// of the protocol after 0.37, transcribed from stored newer sources.
type referenceLatest struct {
	Models []struct {
		Name   string     `json:"name"`
		Fields []refField `json:"fields"`
	} `json:"models"`
	Enums []struct {
		Name   string   `json:"name"`
		Values []string `json:"values"`
	} `json:"enums"`
	Redirects struct {
		Redirects map[string]string `json:"redirects"`
	} `json:"deprecated_code_redirects"`
	Classification struct {
		Codes            map[string][2]string `json:"codes"`
		Retryable        []string             `json:"retryable"`
		ThrottleAndRetry []string             `json:"throttle_and_retry"`
		Refreshable      []string             `json:"refreshable"`
	} `json:"classification"`
	MissingAuth struct {
		Format    string            `json:"format"`
		AuthTypes map[string]string `json:"auth_types"`
	} `json:"missing_auth_message"`
}

// latestModels maps each newer Python model to its Go type.
var latestModels = map[string]reflect.Type{
	"Error":                  reflect.TypeFor[toolkit.ErrorLatest](),
	"RateLimitStateSnapshot": reflect.TypeFor[toolkit.RateLimitState](),
	"RateLimitResponseInfo":  reflect.TypeFor[toolkit.RateLimitResponse](),
	"RateLimitRequestInfo":   reflect.TypeFor[toolkit.RateLimitRequest](),
	"ConnectorErrorMetadata": reflect.TypeFor[errs.Metadata](),
}

func loadReferenceLatest(t *testing.T) referenceLatest {
	t.Helper()
	raw, err := os.ReadFile("testdata/reference/models-latest.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref referenceLatest
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestReferenceLatestModels(t *testing.T) {
	ref := loadReferenceLatest(t)
	seen := map[string]bool{}
	for _, m := range ref.Models {
		seen[m.Name] = true
		t.Run(m.Name, func(t *testing.T) {
			is := is.New(t)
			typ, ok := latestModels[m.Name]
			is.True(ok)                         // the test maps this Python model to a Go type
			is.Equal(wireFields(typ), m.Fields) // JSON keys, in order, and required-ness
		})
	}
	for name := range latestModels {
		if !seen[name] {
			t.Errorf("model %s is mapped in the test but missing from models-latest.json", name)
		}
	}
}

func TestReferenceLatestEnums(t *testing.T) {
	ref := loadReferenceLatest(t)
	got := map[string][]errs.ErrorCode{"ConnectorErrorCode": errs.CurrentCodes()}
	for _, e := range ref.Enums {
		t.Run(e.Name, func(t *testing.T) {
			is := is.New(t)
			values, ok := got[e.Name]
			is.True(ok) // the test knows this enum
			var wire []string
			for _, v := range values {
				wire = append(wire, string(v))
			}
			is.Equal(wire, e.Values)
		})
	}
}

func TestReferenceLatestCodeTables(t *testing.T) {
	ref := loadReferenceLatest(t)
	in := func(list []string, code string) bool {
		for _, c := range list {
			if c == code {
				return true
			}
		}
		return false
	}
	for old, current := range ref.Redirects.Redirects {
		t.Run("redirect "+old, func(t *testing.T) {
			is := is.New(t)
			is.Equal(string(errs.Current(errs.ErrorCode(old))), current)
		})
	}
	for code, fc := range ref.Classification.Codes {
		t.Run("classify "+code, func(t *testing.T) {
			is := is.New(t)
			m := errs.MetadataOf(errs.ErrorCode(code), "")
			is.Equal(string(m.Fault), strings.ToLower(fc[0]))
			is.Equal(string(m.Category), strings.ToLower(fc[1]))
			throttled := in(ref.Classification.ThrottleAndRetry, code)
			is.Equal(m.Retryable, in(ref.Classification.Retryable, code) || throttled)
			is.Equal(m.Throttled, throttled)
			is.Equal(m.Refreshable, in(ref.Classification.Refreshable, code))
			is.Equal(m.Hint, (*string)(nil))
		})
	}
	for kind, name := range ref.MissingAuth.AuthTypes {
		t.Run("missing auth "+kind, func(t *testing.T) {
			is := is.New(t)
			e := toolkit.MissingAuth(toolkit.AuthModel(kind))
			is.Equal(e.Code, errs.IntegrationMissingParameter)
			is.Equal(e.Message, strings.Replace(ref.MissingAuth.Format, "{auth_type}", name, 1))
		})
	}
	t.Run("every code is classified", func(t *testing.T) {
		is := is.New(t)
		is.Equal(len(ref.Classification.Codes), len(errs.CurrentCodes()))
		for _, c := range errs.CurrentCodes() {
			_, ok := ref.Classification.Codes[string(c)]
			is.True(ok)
		}
	})
}
