package toolkit_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lumosgo/lumos/toolkit"
)

// compileSchema fails the test unless s is a valid JSON schema.
func compileSchema(t *testing.T, name string, s map[string]any) {
	t.Helper()
	c := jsonschema.NewCompiler()
	// Round-trip through JSON so numbers have the types the compiler expects.
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	url := "mem://" + name + ".json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if _, err := c.Compile(url); err != nil {
		t.Fatalf("%s is not a valid JSON schema: %v", name, err)
	}
}

func TestInfo(t *testing.T) {
	is := is.New(t)
	in := demo()
	toolkit.Handle(in, toolkit.CapListCustomAttributesSchema,
		func(context.Context, toolkit.ListCustomAttributesSchemaRequest) (toolkit.ListCustomAttributesSchemaResponse, error) {
			return toolkit.ListCustomAttributesSchemaResponse{}, nil
		}, toolkit.WithDisplayName("Custom attributes"), toolkit.WithDescription("What can be asked for.\nMore detail."))
	info, err := in.Info()
	is.NoErr(err)
	is.Equal(info.AppID, "demo")
	is.Equal(info.Version, "0.1.0")
	is.Equal(info.Capabilities, []toolkit.CapabilityName{"app_info", "get_account", "get_last_activity", "list_accounts", "list_custom_attributes_schema", "validate_credentials"})
	is.Equal(len(info.CapabilitySchema), len(info.Capabilities))
	for name, cs := range info.CapabilitySchema {
		compileSchema(t, name+"-argument", cs.Argument)
		compileSchema(t, name+"-output", cs.Output)
		if name == "app_info" {
			is.Equal(cs.Argument["x-capability-category"], "specification")
			continue
		}
		is.Equal(cs.Argument["x-capability-level"], "read")
	}
	is.Equal(info.CapabilitySchema["get_account"].DisplayName, "Get Account")
	is.Equal(info.CapabilitySchema["get_account"].Description, nil)
	is.Equal(info.CapabilitySchema["get_account"].Output["title"], "FoundAccountData")
	is.Equal(info.CapabilitySchema["get_account"].Argument["required"], []any{"account_id"})
	is.Equal(info.CapabilitySchema["list_accounts"].Output, map[string]any{"properties": map[string]any{}, "title": "Empty", "type": "object"})
	is.Equal(info.CapabilitySchema["list_custom_attributes_schema"].DisplayName, "Custom attributes")
	is.Equal(*info.CapabilitySchema["list_custom_attributes_schema"].Description, "What can be asked for.\nMore detail.")
	is.Equal(in.Summary(toolkit.CapListCustomAttributesSchema.Name()), "What can be asked for.")

	settings := info.RequestSettingsSchema
	compileSchema(t, "settings", settings)
	is.Equal(settings["field_order"], []string{"base_url", "org", "limit", "verbose"})
	is.Equal(settings["required"], []any{"base_url", "org"})
	props := settings["properties"].(map[string]any)
	is.Equal(props["base_url"].(map[string]any)["title"], "Base URL")
	is.Equal(props["limit"].(map[string]any)["default"], float64(25))

	auth := info.AuthenticationSchema
	compileSchema(t, "auth", auth)
	is.Equal(auth["title"], "TokenCredential")
	is.Equal(auth["x-credential-type"], "token")
	is.Equal(auth["field_order"], []string{"token"})
	tok := auth["properties"].(map[string]any)["token"].(map[string]any)
	is.Equal(tok["x-secret"], true)
	is.Equal(tok["x-field_type"], "SECRET")
	is.Equal(info.CredentialsSchema, []map[string]any{})
}

func TestInfoWithoutSettingsAndWithCredentials(t *testing.T) {
	is := is.New(t)
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "multi-info", Version: "1", Credentials: []toolkit.CredentialConfig{
		{ID: "api", Type: toolkit.AuthToken, Description: "An API token."},
		{ID: "admin", Type: toolkit.AuthBasic, Optional: true},
	}})
	toolkit.Handle(in, toolkit.CapListAccounts, listAccountsOK)
	info, err := in.Info()
	is.NoErr(err)
	is.Equal(info.AuthenticationSchema, map[string]any{})
	is.Equal(info.RequestSettingsSchema["title"], "EmptySettings")
	is.Equal(info.RequestSettingsSchema["field_order"], []string{})
	is.Equal(len(info.CredentialsSchema), 2)
	is.Equal(info.CredentialsSchema[0]["id"], "api")
	is.Equal(info.CredentialsSchema[0]["description"], "An API token.")
	is.Equal(info.CredentialsSchema[0]["x-optional"], false)
	is.Equal(info.CredentialsSchema[1]["x-optional"], true)
	is.Equal(info.CredentialsSchema[1]["title"], "BasicCredential")
}

func TestInfoDocumentIsPythonStyleAndStable(t *testing.T) {
	is := is.New(t)
	in := demo()
	first, err := in.InfoDocument()
	is.NoErr(err)
	is.True(strings.HasPrefix(string(first), `{"execution_summary": null, "page": null, "raw_data": null, "response": {"app_id": "demo", `))
	second, err := demo().InfoDocument() // a fresh integration reflects again
	is.NoErr(err)
	is.Equal(string(first), string(second))
}

func TestEveryCredentialModelHasAValidSchema(t *testing.T) {
	for _, m := range []toolkit.AuthModel{toolkit.AuthOAuth, toolkit.AuthOAuthClientCredentials, toolkit.AuthOAuth1,
		toolkit.AuthBasic, toolkit.AuthToken, toolkit.AuthJWT, toolkit.AuthServiceAccount, toolkit.AuthKeyPair} {
		t.Run(string(m), func(t *testing.T) {
			is := is.New(t)
			in := toolkit.NewIntegration(toolkit.Declaration{AppID: "cred-" + strings.ReplaceAll(string(m), "_", "-"), Version: "1", Auth: m})
			toolkit.Handle(in, toolkit.CapListAccounts, listAccountsOK)
			info, err := in.Info()
			is.NoErr(err)
			compileSchema(t, string(m), info.AuthenticationSchema)
			is.Equal(info.AuthenticationSchema["x-credential-type"], string(m))
			order := info.AuthenticationSchema["field_order"].([]string)
			props := info.AuthenticationSchema["properties"].(map[string]any)
			is.Equal(len(order), len(props)) // field_order lists every property
			for _, f := range order {
				_, ok := props[f]
				is.True(ok)
			}
		})
	}
}
