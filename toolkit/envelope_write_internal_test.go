package toolkit

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/matryer/is"
)

// TestWriteMembersAsEncodingJSON: a success envelope written member by
// member is byte for byte what encoding/json writes for the struct, and
// fails with the same error.
func TestWriteMembersAsEncodingJSON(t *testing.T) {
	desc := "<b>&</b>"
	tests := []struct {
		name string
		doc  memberWriter
	}{
		{"empty", Response[ValidatedCredentials]{}},
		{"html and unicode kept as is", Response[ValidatedCredentials]{Response: ValidatedCredentials{Valid: true, UniqueTenantID: "<a&b> é \u2028"}}},
		{"list, raw data and page", Response[[]FoundAccountData]{
			Response: []FoundAccountData{{IntegrationSpecificID: "x", Email: Ptr("a@b.c")}},
			RawData:  []any{map[string]any{"z": 1, "a": []int{1, 2}}},
			Page:     &Page{Token: "t<>", Size: 5},
		}},
		{"typed nil raw data", Response[[]FoundAccountData]{RawData: []any(nil)}},
		{"nil list", Response[[]FoundAccountData]{}},
		{"execution summary", Response[ValidatedCredentials]{ExecutionSummary: &ExecutionSummary{
			Effect: Effect{Kind: EffectNoop, Reason: NoopStateAlreadyMatches}, RequestFingerprint: "f", Description: &desc,
			CaughtErrors: []Error{{Message: "m", ErrorCode: "bad_request"}},
		}}},
		{"unsupported value", Response[map[string]any]{Response: map[string]any{"x": math.NaN()}}},
		{"unsupported type in raw data", Response[ValidatedCredentials]{RawData: func() {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			var want bytes.Buffer
			whole := json.NewEncoder(&want)
			whole.SetEscapeHTML(false)
			wantErr := whole.Encode(tt.doc)

			var got bytes.Buffer
			enc := json.NewEncoder(&got)
			enc.SetEscapeHTML(false)
			gotErr := tt.doc.writeMembers(&got, enc)
			if wantErr != nil {
				is.True(gotErr != nil)
				is.Equal(gotErr.Error(), wantErr.Error())
				return
			}
			is.NoErr(gotErr)
			is.Equal(got.String(), want.String())
		})
	}
}
