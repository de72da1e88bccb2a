package conformance

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
)

// compile compiles a schema with Options.CompileSchema, or StructuralSchema.
func (r *runner) compile(schema any) (func(doc []byte) error, error) {
	if r.opts.CompileSchema != nil {
		return r.opts.CompileSchema(schema)
	}
	return StructuralSchema(schema)
}

// schemaHow says how schemas are checked, for summaries.
func (r *runner) schemaHow() string {
	if r.opts.CompileSchema != nil {
		return "full JSON Schema validation"
	}
	return "structural check"
}

// schemaError shortens a compile or validation error to a few lines.
func schemaError(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	if len(lines) > 6 {
		lines = append(lines[:6], fmt.Sprintf("… (%d more lines)", len(lines)-6))
	}
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "\n")
}

// responseSchemas holds the compiled response schemas, by capability.
type responseSchemas struct {
	byName map[toolkit.CapabilityName]func(doc []byte) error
}

// of returns the validator of a capability's response documents, or nil.
func (s *responseSchemas) of(name toolkit.CapabilityName) func(doc []byte) error {
	if s == nil {
		return nil
	}
	return s.byName[name]
}

// checkInfo builds `info` and compiles every schema in it.
func (r *runner) checkInfo() Result {
	info, err := r.in.Info()
	if err != nil {
		return Result{Status: Fail, Summary: "info does not build: " + err.Error()}
	}
	var problems []string
	doc, err := r.in.InfoDocument()
	if err != nil {
		problems = append(problems, "the info document does not render: "+err.Error())
	} else {
		var env struct {
			Response *struct {
				AppID        string   `json:"app_id"`
				Capabilities []string `json:"capabilities"`
			} `json:"response"`
		}
		if err := json.Unmarshal(doc, &env); err != nil || env.Response == nil {
			problems = append(problems, fmt.Sprintf("the info document is not a response envelope: %v", err))
		} else if env.Response.AppID != r.in.AppID() {
			problems = append(problems, fmt.Sprintf("app_id is %q, want %q", env.Response.AppID, r.in.AppID()))
		}
	}
	registered := r.in.Capabilities()
	if !slices.Equal(info.Capabilities, registered) {
		problems = append(problems, fmt.Sprintf("capabilities are %v, but the registered ones are %v", info.Capabilities, registered))
	}
	compiled := 0
	try := func(where string, schema any) {
		if _, err := r.compile(schema); err != nil {
			problems = append(problems, where+" does not compile: "+schemaError(err))
			return
		}
		compiled++
	}
	for _, name := range registered {
		cs, ok := info.CapabilitySchema[string(name)]
		if !ok {
			problems = append(problems, fmt.Sprintf("capability_schema has no entry for %s", name))
			continue
		}
		if cs.DisplayName == "" {
			problems = append(problems, fmt.Sprintf("capability_schema.%s has no display_name", name))
		}
		try("capability_schema."+string(name)+".argument", cs.Argument)
		try("capability_schema."+string(name)+".output", cs.Output)
	}
	for name := range info.CapabilitySchema {
		if !slices.Contains(registered, toolkit.CapabilityName(name)) {
			problems = append(problems, fmt.Sprintf("capability_schema describes %s, which is not registered", name))
		}
	}
	if len(info.AuthenticationSchema) > 0 {
		try("authentication_schema", info.AuthenticationSchema)
	}
	for i, s := range info.CredentialsSchema {
		try(fmt.Sprintf("credentials_schema[%d]", i), s)
	}
	try("request_settings_schema", info.RequestSettingsSchema)
	sort.Strings(problems)
	if len(problems) > 0 {
		return Result{Status: Fail, Summary: fmt.Sprintf("%s in info", plural(len(problems), "problem")), Problems: problems}
	}
	return Result{Status: Pass, Summary: fmt.Sprintf("%s; %s compile (%s)", plural(len(registered), "capability"), plural(compiled, "schema"), r.schemaHow())}
}

// checkSchemas compiles every capability's request and response JSON Schema
// and keeps the compiled response schemas for the other checks.
func (r *runner) checkSchemas() Result {
	r.schemas = &responseSchemas{byName: map[toolkit.CapabilityName]func([]byte) error{}}
	var problems []string
	names := r.in.Capabilities()
	compiled := 0
	for _, name := range names {
		for _, response := range []bool{false, true} {
			kind := "request"
			if response {
				kind = "response"
			}
			s, err := r.in.JSONSchema(name, response)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: the %s schema cannot be built: %v", name, kind, err))
				continue
			}
			sch, err := r.compile(s)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: the %s schema does not compile: %s", name, kind, schemaError(err)))
				continue
			}
			compiled++
			if response {
				r.schemas.byName[name] = sch
			}
		}
	}
	if len(problems) > 0 {
		return Result{Status: Fail, Summary: fmt.Sprintf("%d of %d schemas do not compile", 2*len(names)-compiled, 2*len(names)), Problems: problems}
	}
	return Result{Status: Pass, Summary: fmt.Sprintf("%s: %d request and response schemas compile (%s)", plural(len(names), "capability"), compiled, r.schemaHow())}
}

// checkValidateCredentials calls validate_credentials.
func (r *runner) checkValidateCredentials() Result {
	a, err := r.call(toolkit.CapValidateCredentials.Name(), nil, nil)
	if err != nil {
		r.credentialsFailed = true
		return Result{Status: Fail, Summary: err.Error()}
	}
	if a.IsError {
		r.credentialsFailed = true
		return Result{Status: Fail, Summary: "validate_credentials failed: " + a.failure()}
	}
	var v toolkit.ValidatedCredentials
	if err := json.Unmarshal(a.Response, &v); err != nil {
		return Result{Status: Fail, Summary: fmt.Sprintf("the response does not decode: %v", err)}
	}
	res := Result{Status: Pass, Summary: fmt.Sprintf("valid; tenant %q", v.UniqueTenantID)}
	if !v.Valid {
		r.credentialsFailed = true
		res = Result{Status: Fail, Summary: "the connector answers valid: false"}
	}
	if v.UniqueTenantID == "" {
		res.Status = Fail
		res.Problems = append(res.Problems, "unique_tenant_id is empty")
	}
	if validate := r.schemas.of(toolkit.CapValidateCredentials.Name()); validate != nil {
		if err := validate(a.raw); err != nil {
			res.Status = Fail
			res.Problems = append(res.Problems, "the answer does not match the response schema: "+schemaError(err))
		}
	}
	return res
}
