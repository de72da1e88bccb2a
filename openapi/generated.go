package openapi

import (
	"embed"
	"fmt"
)

// generated holds Spec's documents, rendered ahead of time by
// `go test ./openapi -update` for toolkit.ProtocolVersion: printing one
// costs nothing at run time, where building it costs about 100 ms.
// TestSpecGolden fails whenever they differ from what Spec builds now.
//
//go:embed generated/*
var generated embed.FS

// GeneratedName is the file under openapi/generated holding the protocol's
// document in version v and format f.
func GeneratedName(v Version, f Format) string {
	return fmt.Sprintf("generated/spec-%s.%s", v, f)
}

// Generated returns the protocol's document (Spec for toolkit.ProtocolVersion)
// in version v and format f, as rendered at build time, ending with a newline.
func Generated(v Version, f Format) ([]byte, error) {
	if v != OpenAPI30 && v != OpenAPI31 {
		return nil, fmt.Errorf("openapi: unknown OpenAPI version %q; use %q or %q", v, OpenAPI30, OpenAPI31)
	}
	if f != YAML && f != JSON {
		return nil, fmt.Errorf("openapi: unknown format %q; use %q or %q", f, YAML, JSON)
	}
	return generated.ReadFile(GeneratedName(v, f))
}

// GeneratedLatestName is the file under openapi/generated holding the latest
// protocol's document (SpecLatest) in version v and format f.
func GeneratedLatestName(v Version, f Format) string {
	return fmt.Sprintf("generated/spec-latest-%s.%s", v, f)
}

// GeneratedLatest returns the latest protocol's document (SpecLatest for
// toolkit.LatestProtocolVersion) in version v and format f, as rendered at
// build time, ending with a newline.
func GeneratedLatest(v Version, f Format) ([]byte, error) {
	if v != OpenAPI30 && v != OpenAPI31 {
		return nil, fmt.Errorf("openapi: unknown OpenAPI version %q; use %q or %q", v, OpenAPI30, OpenAPI31)
	}
	if f != YAML && f != JSON {
		return nil, fmt.Errorf("openapi: unknown format %q; use %q or %q", f, YAML, JSON)
	}
	return generated.ReadFile(GeneratedLatestName(v, f))
}
