package toolkit_test

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// reference is testdata/reference/models.json: the wire models, enums and
// capability names of connector-sdk-types 0.37.0, transcribed once from the
// Python sources.
type reference struct {
	StandardCapabilityNames []string `json:"standard_capability_names"`
	Enums                   []struct {
		Name   string   `json:"name"`
		Values []string `json:"values"`
	} `json:"enums"`
	Models []struct {
		Name   string     `json:"name"`
		Fields []refField `json:"fields"`
	} `json:"models"`
}

type refField struct {
	JSON     string `json:"json"`
	Required bool   `json:"required"`
}

// referenceModels maps each Python class of the reference to its Go type.
var referenceModels = map[string]reflect.Type{
	// Envelopes, one of each shape.
	"CreateAccountRequest":            reflect.TypeFor[toolkit.CreateAccountRequest](),
	"CreateAccountResponse":           reflect.TypeFor[toolkit.CreateAccountResponse](),
	"UpdateAccountRequest":            reflect.TypeFor[toolkit.UpdateAccountRequest](),
	"GetAuthorizationUrlRequest":      reflect.TypeFor[toolkit.GetAuthorizationURLRequest](),
	"HandleClientCredentialsRequest":  reflect.TypeFor[toolkit.HandleClientCredentialsRequestRequest](),
	"RefreshAccessTokenRequest":       reflect.TypeFor[toolkit.RefreshAccessTokenRequest](),
	"ValidateCredentialConfigRequest": reflect.TypeFor[toolkit.ValidateCredentialConfigRequest](),

	"Error":            reflect.TypeFor[toolkit.Error](),
	"ErrorResponse":    reflect.TypeFor[toolkit.ErrorResponse](),
	"ExecutionSummary": reflect.TypeFor[toolkit.ExecutionSummary](),
	"Page":             reflect.TypeFor[toolkit.Page](),

	"AppInfoRequestPayload": reflect.TypeFor[toolkit.AppInfoRequestPayload](),
	"AppInfo":               reflect.TypeFor[toolkit.AppInfo](),

	"AuthCredential":           reflect.TypeFor[toolkit.AuthCredential](),
	"OAuthCredential":          reflect.TypeFor[toolkit.OAuthCredential](),
	"OAuthClientCredential":    reflect.TypeFor[toolkit.OAuthClientCredential](),
	"OAuth1Credential":         reflect.TypeFor[toolkit.OAuth1Credential](),
	"BasicCredential":          reflect.TypeFor[toolkit.BasicCredential](),
	"TokenCredential":          reflect.TypeFor[toolkit.TokenCredential](),
	"JWTCredential":            reflect.TypeFor[toolkit.JWTCredential](),
	"JWTHeaders":               reflect.TypeFor[toolkit.JWTHeaders](),
	"JWTClaims":                reflect.TypeFor[toolkit.JWTClaims](),
	"ServiceAccountCredential": reflect.TypeFor[toolkit.ServiceAccountCredential](),
	"KeyPairCredential":        reflect.TypeFor[toolkit.KeyPairCredential](),

	"ValidateCredentials":               reflect.TypeFor[toolkit.ValidateCredentials](),
	"ValidatedCredentials":              reflect.TypeFor[toolkit.ValidatedCredentials](),
	"ListAccounts":                      reflect.TypeFor[toolkit.ListAccounts](),
	"FoundAccountData":                  reflect.TypeFor[toolkit.FoundAccountData](),
	"GetAccount":                        reflect.TypeFor[toolkit.GetAccount](),
	"ListResources":                     reflect.TypeFor[toolkit.ListResources](),
	"FoundResourceData":                 reflect.TypeFor[toolkit.FoundResourceData](),
	"ListEntitlements":                  reflect.TypeFor[toolkit.ListEntitlements](),
	"FoundEntitlementData":              reflect.TypeFor[toolkit.FoundEntitlementData](),
	"FindEntitlementAssociations":       reflect.TypeFor[toolkit.FindEntitlementAssociations](),
	"FoundEntitlementAssociation":       reflect.TypeFor[toolkit.FoundEntitlementAssociation](),
	"GetAccountEntitlementAssociations": reflect.TypeFor[toolkit.GetAccountEntitlementAssociations](),
	"GetLastActivity":                   reflect.TypeFor[toolkit.GetLastActivity](),
	"LastActivityData":                  reflect.TypeFor[toolkit.LastActivityData](),
	"ListCustomAttributesSchema":        reflect.TypeFor[toolkit.ListCustomAttributesSchema](),
	"CustomAttributeSchema":             reflect.TypeFor[toolkit.CustomAttributeSchema](),

	"CreatableAccount":         reflect.TypeFor[toolkit.CreatableAccount](),
	"CreateAccount":            reflect.TypeFor[toolkit.CreateAccount](),
	"CreateAccountEntitlement": reflect.TypeFor[toolkit.CreateAccountEntitlement](),
	"CreatedAccount":           reflect.TypeFor[toolkit.CreatedAccount](),
	"UpdateableAccount":        reflect.TypeFor[toolkit.UpdateableAccount](),
	"ActivateAccount":          reflect.TypeFor[toolkit.ActivateAccount](),
	"ActivatedAccount":         reflect.TypeFor[toolkit.ActivatedAccount](),
	"DeactivateAccount":        reflect.TypeFor[toolkit.DeactivateAccount](),
	"DeactivatedAccount":       reflect.TypeFor[toolkit.DeactivatedAccount](),
	"DeleteAccount":            reflect.TypeFor[toolkit.DeleteAccount](),
	"DeletedAccount":           reflect.TypeFor[toolkit.DeletedAccount](),
	"AssignEntitlement":        reflect.TypeFor[toolkit.AssignEntitlement](),
	"AssignedEntitlement":      reflect.TypeFor[toolkit.AssignedEntitlement](),
	"UnassignEntitlement":      reflect.TypeFor[toolkit.UnassignEntitlement](),
	"UnassignedEntitlement":    reflect.TypeFor[toolkit.UnassignedEntitlement](),
	"TransferData":             reflect.TypeFor[toolkit.TransferData](),
	"TransferDataStatus":       reflect.TypeFor[toolkit.TransferDataStatus](),
	"ReleaseResources":         reflect.TypeFor[toolkit.ReleaseResources](),
	"ReleaseResourcesStatus":   reflect.TypeFor[toolkit.ReleaseResourcesStatus](),
	"DowngradeLicense":         reflect.TypeFor[toolkit.DowngradeLicense](),
	"DowngradedLicense":        reflect.TypeFor[toolkit.DowngradedLicense](),

	"ListUpdatedAccounts":       reflect.TypeFor[toolkit.ListUpdatedAccounts](),
	"UpdatedAccounts":           reflect.TypeFor[toolkit.UpdatedAccounts](),
	"GetDataRecency":            reflect.TypeFor[toolkit.GetDataRecency](),
	"DataRecency":               reflect.TypeFor[toolkit.DataRecency](),
	"ListActivityRecords":       reflect.TypeFor[toolkit.ListActivityRecords](),
	"ActivityRecord":            reflect.TypeFor[toolkit.ActivityRecord](),
	"ActivityRecordActor":       reflect.TypeFor[toolkit.ActivityRecordActor](),
	"ActivityRecordTarget":      reflect.TypeFor[toolkit.ActivityRecordTarget](),
	"ActivityRecordEntitlement": reflect.TypeFor[toolkit.ActivityRecordEntitlement](),
	"ListExpenses":              reflect.TypeFor[toolkit.ListExpenses](),
	"ExpenseFilters":            reflect.TypeFor[toolkit.ExpenseFilters](),
	"TimeRange":                 reflect.TypeFor[toolkit.TimeRange](),
	"Expense":                   reflect.TypeFor[toolkit.Expense](),
	"Amount":                    reflect.TypeFor[toolkit.Amount](),
	"Vendor":                    reflect.TypeFor[toolkit.Vendor](),
	"SpendUser":                 reflect.TypeFor[toolkit.SpendUser](),
	"ExpenseApprovalStatus":     reflect.TypeFor[toolkit.ExpenseApprovalStatus](),
	"ExpensePaymentStatus":      reflect.TypeFor[toolkit.ExpensePaymentStatus](),

	"GetAuthorizationUrl":         reflect.TypeFor[toolkit.GetAuthorizationURL](),
	"AuthorizationUrl":            reflect.TypeFor[toolkit.AuthorizationURL](),
	"HandleAuthorizationCallback": reflect.TypeFor[toolkit.HandleAuthorizationCallback](),
	"HandleClientCredentials":     reflect.TypeFor[toolkit.HandleClientCredentials](),
	"RefreshAccessToken":          reflect.TypeFor[toolkit.RefreshAccessToken](),
	"OauthCredentials":            reflect.TypeFor[toolkit.OAuthCredentials](),

	"ValidateCredentialConfig":  reflect.TypeFor[toolkit.ValidateCredentialConfig](),
	"ValidatedCredentialConfig": reflect.TypeFor[toolkit.ValidatedCredentialConfig](),

	"ListApplications":                        reflect.TypeFor[toolkit.ListApplications](),
	"Application":                             reflect.TypeFor[toolkit.Application](),
	"ListApplicationsAccounts":                reflect.TypeFor[toolkit.ListApplicationsAccounts](),
	"ApplicationAccount":                      reflect.TypeFor[toolkit.ApplicationAccount](),
	"ListApplicationsActivityRecords":         reflect.TypeFor[toolkit.ListApplicationsActivityRecords](),
	"ApplicationActivityRecord":               reflect.TypeFor[toolkit.ApplicationActivityRecord](),
	"ListApplicationsEntitlements":            reflect.TypeFor[toolkit.ListApplicationsEntitlements](),
	"ApplicationEntitlementData":              reflect.TypeFor[toolkit.ApplicationEntitlementData](),
	"ListApplicationsResources":               reflect.TypeFor[toolkit.ListApplicationsResources](),
	"ApplicationResourceData":                 reflect.TypeFor[toolkit.ApplicationResourceData](),
	"ListApplicationsEntitlementAssociations": reflect.TypeFor[toolkit.ListApplicationsEntitlementAssociations](),
	"ApplicationEntitlementAssociation":       reflect.TypeFor[toolkit.ApplicationEntitlementAssociation](),
	"GetApplication":                          reflect.TypeFor[toolkit.GetApplication](),
	"GetApplicationAccount":                   reflect.TypeFor[toolkit.GetApplicationAccount](),
	"AssignApplication":                       reflect.TypeFor[toolkit.AssignApplication](),
	"AssignedApplication":                     reflect.TypeFor[toolkit.AssignedApplication](),
	"UnassignApplication":                     reflect.TypeFor[toolkit.UnassignApplication](),
	"UnassignedApplication":                   reflect.TypeFor[toolkit.UnassignedApplication](),
	"AssignApplicationEntitlement":            reflect.TypeFor[toolkit.AssignApplicationEntitlement](),
	"AssignedApplicationEntitlement":          reflect.TypeFor[toolkit.AssignedApplicationEntitlement](),
	"UnassignApplicationEntitlement":          reflect.TypeFor[toolkit.UnassignApplicationEntitlement](),
	"UnassignedApplicationEntitlement":        reflect.TypeFor[toolkit.UnassignedApplicationEntitlement](),
}

// referenceEnums maps each Python enum of the reference to its Go type.
var referenceEnums = map[string]reflect.Type{
	"AccountStatus":                   reflect.TypeFor[toolkit.AccountStatus](),
	"AccountType":                     reflect.TypeFor[toolkit.AccountType](),
	"AppCategory":                     reflect.TypeFor[toolkit.AppCategory](),
	"ActivityEventType":               reflect.TypeFor[toolkit.ActivityEventType](),
	"CustomAttributeCustomizedType":   reflect.TypeFor[toolkit.CustomAttributeCustomizedType](),
	"CustomAttributeType":             reflect.TypeFor[toolkit.CustomAttributeType](),
	"ServiceAccountType":              reflect.TypeFor[toolkit.ServiceAccountType](),
	"NoopEffectReason":                reflect.TypeFor[toolkit.NoopEffectReason](),
	"ErrorCode":                       reflect.TypeFor[toolkit.ErrorCode](),
	"ActivityType":                    reflect.TypeFor[toolkit.ActivityType](),
	"ExpenseType":                     reflect.TypeFor[toolkit.ExpenseType](),
	"NormalizedExpenseApprovalStatus": reflect.TypeFor[toolkit.NormalizedExpenseApprovalStatus](),
	"NormalizedExpensePaymentStatus":  reflect.TypeFor[toolkit.NormalizedExpensePaymentStatus](),
	"TokenType":                       reflect.TypeFor[toolkit.TokenType](),
	"ApplicationStatus":               reflect.TypeFor[toolkit.ApplicationStatus](),
	"SignOnMode":                      reflect.TypeFor[toolkit.SignOnMode](),
	"AssignmentMode":                  reflect.TypeFor[toolkit.AssignmentMode](),
}

func loadReference(t *testing.T) reference {
	t.Helper()
	raw, err := os.ReadFile("testdata/reference/models.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// wireFields lists the JSON keys of struct type t in declaration order,
// with whether each is tagged required.
func wireFields(t reflect.Type) []refField {
	var out []refField
	for i := range t.NumField() {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case name == "-":
			continue
		case f.Anonymous && !hasTag:
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			out = append(out, wireFields(ft)...)
			continue
		case !f.IsExported():
			continue
		case name == "":
			name = f.Name
		}
		out = append(out, refField{JSON: name, Required: f.Tag.Get("required") == "true"})
	}
	return out
}

func TestReferenceModels(t *testing.T) {
	ref := loadReference(t)
	seen := map[string]bool{}
	for _, m := range ref.Models {
		seen[m.Name] = true
		t.Run(m.Name, func(t *testing.T) {
			is := is.New(t)
			typ, ok := referenceModels[m.Name]
			is.True(ok) // the test maps this Python model to a Go type
			is.Equal(typ.Kind(), reflect.Struct)
			got := wireFields(typ)
			for i, want := range m.Fields {
				t.Run(fmt.Sprintf("%02d_%s", i, want.JSON), func(t *testing.T) {
					is := is.New(t)
					if i >= len(got) {
						t.Fatalf("%s: Go type %s has no field at position %d; want %q", m.Name, typ, i, want.JSON)
					}
					is.Equal(got[i].JSON, want.JSON)         // JSON key at this position (name and order)
					is.Equal(got[i].Required, want.Required) // required-ness
				})
			}
			for _, extra := range got[min(len(got), len(m.Fields)):] {
				t.Errorf("%s: Go type %s has field %q, which 0.37.0 does not have", m.Name, typ, extra.JSON)
			}
		})
	}
	for name := range referenceModels {
		if !seen[name] {
			t.Errorf("model %s is mapped in the test but missing from models.json", name)
		}
	}
}

func TestReferenceEnums(t *testing.T) {
	ref := loadReference(t)
	seen := map[string]bool{}
	for _, e := range ref.Enums {
		seen[e.Name] = true
		t.Run(e.Name, func(t *testing.T) {
			is := is.New(t)
			typ, ok := referenceEnums[e.Name]
			is.True(ok) // the test maps this Python enum to a Go type
			en, ok := reflect.Zero(typ).Interface().(interface{ Enum() []any })
			is.True(ok) // the Go type has an Enum method
			var got []string
			for _, v := range en.Enum() {
				got = append(got, fmt.Sprint(v))
			}
			is.Equal(got, e.Values) // wire values, in order
		})
	}
	for name := range referenceEnums {
		if !seen[name] {
			t.Errorf("enum %s is mapped in the test but missing from models.json", name)
		}
	}
}

func TestReferenceStandardCapabilityNames(t *testing.T) {
	is := is.New(t)
	ref := loadReference(t)
	var got []string
	for _, n := range toolkit.StandardCapabilityNames() {
		got = append(got, string(n))
	}
	is.Equal(got, ref.StandardCapabilityNames) // StandardCapabilityName values, in order
}
