package toolkit

import (
	"errors"
	"fmt"

	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/redact"
)

// Declaration is everything a connector states about itself, apart from its
// capabilities: identity, credentials, settings and catalogue data.
type Declaration struct {
	// AppID identifies the connector: lower-case letters and digits, words
	// joined by "-" or "_", e.g. "github" or "google-workspace" (see
	// CheckAppID). The lumos command line refuses a few more: its own
	// command words and names ending in "-connector".
	AppID string
	// Version is the connector's version, reported by `info`.
	Version string
	// Auth is the kind of the single credential the connector takes under
	// "auth". Leave it empty when Credentials is set.
	Auth AuthModel
	// Credentials declares the credentials the connector takes under
	// "credentials", for connectors that need more than one.
	Credentials []CredentialConfig
	// AllowedCredentials lists the combinations of credential ids a request
	// may send, e.g. {{"client", "token"}, {"pat"}}; one must be complete
	// (every credential of it present with its kind). Empty, the
	// combinations are inferred as the reference infers them: all the
	// required credentials together, then each optional one alone. The
	// 0.37 protocol checks required credentials only; the newer protocol
	// and app_info's x-allowed-credentials use these combinations.
	AllowedCredentials [][]string
	// Settings is a value of the connector's settings struct type (its zero
	// value is fine), or nil when the connector has no settings. The type's
	// json, required, default, title and description tags define the
	// settings schema and its validation.
	Settings any
	// Description is the connector's catalogue entry.
	Description DescriptionData
	// ResourceTypes lists the kinds of resources the connector reports.
	ResourceTypes []ResourceType
	// EntitlementTypes lists the kinds of entitlements the connector reports.
	EntitlementTypes []EntitlementType
	// ErrorHandlers classify the errors of the connector's handlers, in
	// order, after the standard classification (see errs.Describe); e.g.
	// {Match: errs.Is[*errs.HTTPStatusError](), Handler: errs.HTTPHandler}.
	ErrorHandlers []errs.Rule
	// MaxPageSize is the largest page.size the connector serves: a request
	// asking for more is served pages of this size, as if it had asked for
	// it. 0 means the toolkit's MaxPageSize, which also bounds any value
	// set here. A zero or negative page.size reaches handlers as 0, for
	// the connector's own default size.
	MaxPageSize int
	// Budget bounds what one call may spend upstream (requests, bytes, wall
	// time); zero fields take the documented defaults.
	Budget Budget
}

// CredentialConfig declares one credential of a multi-credential connector.
type CredentialConfig struct {
	ID          string    // unique within the connector; requests name it in the credential's "id"
	Type        AuthModel // the credential's kind
	Description string    // markdown shown to the person entering the credential
	Optional    bool      // whether a request may omit it
	// Validate, if set, checks the credential for validate_credential_config
	// once its shape is right (e.g. by calling the remote system).
	Validate CredentialValidator
}

// DescriptionData is a connector's catalogue entry.
type DescriptionData struct {
	LogoURL          string        // URL of the application's logo
	UserFriendlyName string        // the application's display name
	Description      string        // one paragraph about the application
	Categories       []AppCategory // catalogue categories
	AppVendorDomain  string        // the vendor's web domain, e.g. "github.com"
}

// ResourceType declares a kind of resource.
type ResourceType struct {
	TypeID    string `json:"type_id" required:"true" description:"Identifier of the resource type, used in resource_type."`
	TypeLabel string `json:"type_label" required:"true" description:"Display name of the resource type."`
}

// EntitlementType declares a kind of entitlement and how many of them an
// account may or must hold.
type EntitlementType struct {
	TypeID         string                                    `json:"type_id" required:"true" description:"Identifier of the entitlement type, used in entitlement_type."`
	TypeLabel      string                                    `json:"type_label" required:"true" description:"Display name of the entitlement type."`
	ResourceTypeID string                                    `json:"resource_type_id" required:"true" description:"The resource type it is held on; empty for the tenant-wide resource."`
	Min            int                                       `json:"min" required:"true" description:"Fewest entitlements of this type an account must hold."`
	Max            *int                                      `json:"max" description:"Most entitlements of this type an account may hold."`
	Requirements   map[CapabilityName]EntitlementRequirement `json:"requirements" description:"Per-capability overrides of min and max."`
}

// EntitlementRequirement overrides an entitlement type's bounds for one capability.
type EntitlementRequirement struct {
	Min *int `json:"min" description:"Fewest entitlements of the type for this capability."`
	Max *int `json:"max" description:"Most entitlements of the type for this capability."`
}

// Integration is a declared connector with its registered capabilities. Build
// it with NewIntegration, add capabilities with Handle, then either Register
// it or call its Dispatch method directly.
type Integration struct {
	decl         Declaration
	settingsType reflect.Type // nil when the connector has no settings

	mu   sync.RWMutex // guards caps and info
	caps map[CapabilityName]*capability

	info          []byte // cached `info` document, cleared by Handle
	infoWithOAuth bool   // whether info shows OAuth settings; attaching them makes it stale

	keysOnce sync.Once
	keys     redact.Keys // secret keys of requests, see secretKeys
}

// wordsJoinedBy reports whether s is one or more words of lower-case
// letters (and digits, when digits is set, except first) joined by single
// separators from seps.
func wordsJoinedBy(s, seps string, digits bool) bool {
	wordStart := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			wordStart = false
		case digits && c >= '0' && c <= '9' && i > 0:
			wordStart = false
		case strings.IndexByte(seps, c) >= 0 && !wordStart:
			wordStart = true
		default:
			return false
		}
	}
	return s != "" && !wordStart
}

// NewIntegration validates a declaration and returns an integration with no
// capabilities. It panics, naming the connector and the fix, when the
// declaration is invalid; call it from a package-level var or init.
func NewIntegration(d Declaration) *Integration {
	in, err := newIntegration(d)
	if err != nil {
		panic(err)
	}
	return in
}

func newIntegration(d Declaration) (*Integration, error) {
	fail := func(err error) error { return fmt.Errorf("lumos: connector %q: %w", d.AppID, err) }
	for _, check := range []func() error{d.checkIdentity, d.checkCredentials, d.checkCatalogue, d.checkPaging} {
		if err := check(); err != nil {
			return nil, fail(err)
		}
	}
	in := &Integration{decl: d, caps: map[CapabilityName]*capability{}}
	t, err := d.settingsType()
	if err != nil {
		return nil, fail(err)
	}
	in.settingsType = t
	if err := in.install(CapAppInfo.spec, bind(in.appInfoHandler), nil); err != nil {
		return nil, err
	}
	if len(d.Credentials) > 0 {
		if err := in.install(CapValidateCredentialConfig.spec, bind(in.validateCredentialConfig), nil); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// checkPaging checks the declared page size limit.
func (d *Declaration) checkPaging() error {
	if d.MaxPageSize < 0 {
		return fmt.Errorf("MaxPageSize is %d; set it to the largest page size the connector serves, or 0 for the toolkit's %d", d.MaxPageSize, MaxPageSize)
	}
	return nil
}

// checkIdentity checks the app id and the version.
func (d *Declaration) checkIdentity() error {
	if err := CheckAppID(d.AppID); err != nil {
		return err
	}
	if d.Version == "" {
		return errors.New("Version is empty; set it to the connector's version, e.g. \"1.0.0\"")
	}
	return nil
}

// checkCredentials checks that exactly one of Auth and Credentials is set
// and names known kinds, with unique credential ids.
func (d *Declaration) checkCredentials() error {
	switch {
	case d.Auth == "" && len(d.Credentials) == 0:
		return errors.New("no credentials declared; set Auth (e.g. toolkit.AuthToken) or Credentials")
	case d.Auth != "" && len(d.Credentials) > 0:
		return errors.New("both Auth and Credentials are set; keep one")
	case d.Auth != "" && kindOf(d.Auth) == nil:
		return fmt.Errorf("unknown Auth %q; use one of the toolkit.Auth* constants", d.Auth)
	}
	seen := map[string]bool{}
	for i, c := range d.Credentials {
		switch {
		case c.ID == "":
			return fmt.Errorf("credential %d has an empty ID", i)
		case seen[c.ID]:
			return fmt.Errorf("credential ID %q is declared twice", c.ID)
		case kindOf(c.Type) == nil:
			return fmt.Errorf("credential %q has unknown Type %q; use one of the toolkit.Auth* constants", c.ID, c.Type)
		}
		seen[c.ID] = true
	}
	for i, combo := range d.AllowedCredentials {
		if len(combo) == 0 {
			return fmt.Errorf("allowed credential combination %d is empty", i)
		}
		for _, id := range combo {
			if !seen[id] {
				return fmt.Errorf("allowed credential combination %d names %q, which is not a declared credential ID", i, id)
			}
		}
	}
	return nil
}

// checkCatalogue checks the categories and the resource and entitlement
// types: known categories, unique type ids, entitlement types held on
// declared resource types.
func (d *Declaration) checkCatalogue() error {
	for _, cat := range d.Description.Categories {
		if !slices.Contains(allCategories, cat) {
			return fmt.Errorf("unknown category %q; use one of the toolkit.Category* constants", cat)
		}
	}
	resourceTypes := map[string]bool{"": true}
	for _, rt := range d.ResourceTypes {
		if rt.TypeID == "" || resourceTypes[rt.TypeID] {
			return fmt.Errorf("resource type id %q is empty or declared twice", rt.TypeID)
		}
		resourceTypes[rt.TypeID] = true
	}
	entTypes := map[string]bool{}
	for _, et := range d.EntitlementTypes {
		if et.TypeID == "" || entTypes[et.TypeID] {
			return fmt.Errorf("entitlement type id %q is empty or declared twice", et.TypeID)
		}
		if !resourceTypes[et.ResourceTypeID] {
			return fmt.Errorf("entitlement type %q names undeclared resource type %q; declare it in ResourceTypes or use \"\" for the tenant", et.TypeID, et.ResourceTypeID)
		}
		entTypes[et.TypeID] = true
	}
	return nil
}

// settingsType is the settings struct type, or nil when there are no settings.
func (d *Declaration) settingsType() (reflect.Type, error) {
	if d.Settings == nil {
		return nil, nil
	}
	t := reflect.TypeOf(d.Settings)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.Name() == "" {
		return nil, fmt.Errorf("the Settings field must be a value of a named struct type, got %T", d.Settings)
	}
	if err := checkPlans(t); err != nil {
		return nil, fmt.Errorf("the Settings type %s: %v", t, err)
	}
	return t, nil
}

// AppID returns the connector's app id.
func (in *Integration) AppID() string { return in.decl.AppID }

// Version returns the connector's version.
func (in *Integration) Version() string { return in.decl.Version }

// Declaration returns a copy of what the connector declared.
func (in *Integration) Declaration() Declaration { return in.decl }

// Capabilities returns the names of the registered capabilities, sorted.
func (in *Integration) Capabilities() []CapabilityName {
	in.mu.RLock()
	defer in.mu.RUnlock()
	names := make([]CapabilityName, 0, len(in.caps))
	for n := range in.caps {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Summary returns a one-line description of a registered capability, for
// help output: its registered description, else the standard one.
func (in *Integration) Summary(name CapabilityName) string {
	c := in.capability(name)
	if c == nil {
		return ""
	}
	if c.description != "" {
		first, _, _ := strings.Cut(c.description, "\n")
		return first
	}
	return c.spec.summary
}

func (in *Integration) capability(name CapabilityName) *capability {
	in.mu.RLock()
	defer in.mu.RUnlock()
	return in.caps[name]
}
