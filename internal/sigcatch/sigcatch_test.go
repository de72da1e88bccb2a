package sigcatch_test

import (
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/internal/sigcatch"
)

func TestLiteralCall(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{[]string{"mock-connector", "validate_credentials", "--json", "{}"}, true},
		{[]string{"lumos", "mock", "validate_credentials", "--json", "{}"}, true},
		{[]string{"mock-connector", "validate_credentials", "--json={}"}, true},
		{[]string{"lumos", "mock", "validate_credentials", "--json={}"}, true},
		{[]string{"mock-connector", "validate_credentials", "--json-file", "req.json"}, false},
		{[]string{"mock-connector", "validate_credentials", "--json", "-"}, false},
		{[]string{"mock-connector", "validate_credentials", "--json", "{}", "--pretty"}, false},
		{[]string{"lumos", "connectors", "list"}, false},
		{[]string{"lumos", "serve"}, false},
		{[]string{"lumos", "--json", "{}"}, false},
		{[]string{"lumos", "a", "b", "c", "--json={}"}, false},
		{[]string{"lumos"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		is.New(t).Equal(sigcatch.LiteralCall(tt.args), tt.want) // tt.args
	}
}
