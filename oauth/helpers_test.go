package oauth_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func sha256Sum(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// validateOpenAPI fails the test unless kin-openapi accepts the document.
func validateOpenAPI(t *testing.T, doc map[string]any) {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("app_info is not OpenAPI: %v", err)
	}
	if err := loaded.Validate(context.Background()); err != nil {
		t.Fatalf("app_info does not validate: %v", err)
	}
}
