package toolkit

import (
	"context"
	"fmt"
	"path"
	"reflect"
	"runtime"
	"strings"
)

// capability is a registered handler with what dispatch and `info` need.
type capability struct {
	name        CapabilityName
	sig         signature
	fn          reflect.Value
	displayName string
	description string
}

// raisedIn names where a handler error came from: "<package>:<capability>".
func (c *capability) raisedIn() string { return handlerPackage(c.fn) + ":" + string(c.name) }

// matches reports whether fn is a handler of exactly this signature. It
// compares parameter types one by one rather than building the func type,
// which keeps registration at start-up cheap.
func (s signature) matches(fn reflect.Value) bool {
	if fn.Kind() != reflect.Func || fn.IsNil() {
		return false
	}
	t := fn.Type()
	return !t.IsVariadic() && t.NumIn() == 2 && t.NumOut() == 2 &&
		t.In(0) == contextType && t.In(1) == s.request && t.Out(0) == s.response && t.Out(1) == errorType
}

// handlerType is the function type a handler of this signature has.
func (s signature) handlerType() reflect.Type {
	return reflect.FuncOf([]reflect.Type{contextType, s.request}, []reflect.Type{s.response, errorType}, false)
}

// CapabilityOption adjusts how a capability is presented.
type CapabilityOption func(*capability)

// WithDisplayName sets the capability's display name in `info`; the default
// is the name in Title Case.
func WithDisplayName(name string) CapabilityOption {
	return func(c *capability) { c.displayName = name }
}

// WithDescription sets the capability's description in `info`; its first
// line is also the capability's help text.
func WithDescription(text string) CapabilityOption {
	return func(c *capability) { c.description = text }
}

var (
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
)

// Handle registers fn as the implementation of the standard capability name.
// fn must be a plain function of the capability's standard types, e.g.
//
//	func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error)
//
// create_account and update_account also accept payload and result types
// that extend the standard ones (keep every standard field, its JSON type and
// its required-ness), wrapped in Request[...] and Response[...].
//
// Handle panics, naming the connector, the capability and the fix, when the
// name is unknown or already registered or fn has another signature.
func (in *Integration) Handle(name CapabilityName, fn any, opts ...CapabilityOption) {
	if err := in.add(name, fn, registerStandard, opts...); err != nil {
		panic(err)
	}
}

// HandleCustom registers fn as the connector's own capability name:
// lower-case letters in words joined by "_", not a standard name. fn takes a
// CustomRequest of any payload struct and returns a CustomResponse of any
// result type. The capability then appears in `info`, the CLI and the specs
// like a standard one. HandleCustom panics, naming the fix, on a bad name, a
// duplicate or a wrong signature.
func (in *Integration) HandleCustom(name CapabilityName, fn any, opts ...CapabilityOption) {
	if err := in.add(name, fn, registerCustom, opts...); err != nil {
		panic(err)
	}
}

// registration says who registers a capability and so which names are allowed.
type registration int

const (
	registerStandard registration = iota // Handle: a standard name
	registerCustom                       // HandleCustom: a name of the connector's own
	registerBuiltin                      // lumos itself: app_info
)

// add registers a handler under name.
func (in *Integration) add(name CapabilityName, fn any, how registration, opts ...CapabilityOption) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("lumos: connector %q: capability %q: %s", in.decl.AppID, name, fmt.Sprintf(format, args...))
	}
	v := reflect.ValueOf(fn)
	sig, ok := signatures[name]
	switch {
	case how != registerBuiltin && (name == CapInfo || name == CapAppInfo || name == CapConnectedInfo):
		return fail("is provided by lumos itself and cannot be registered")
	case how == registerCustom && name.IsStandard():
		return fail("is a standard capability name and cannot be a custom one; register it with Handle")
	case how == registerStandard && !name.IsStandard():
		return fail("is not a standard capability name; use one of the toolkit.Cap* constants, or HandleCustom for a capability of your own")
	case ok:
		if fn == nil {
			return fail("handler is nil; pass a function of type %s", describeFunc(sig.handlerType()))
		}
		if !sig.matches(v) {
			ext, err := sig.extendedBy(v)
			if err != nil {
				return fail("%v", err)
			}
			sig = ext
		}
	case name.IsStandard():
		return fail("is a standard capability this version of lumos cannot register yet")
	default:
		if !wordsJoinedBy(string(name), "_", false) {
			return fail("is not a standard capability, and a custom capability name must be lower-case letters in words joined by '_' (e.g. \"sync_groups\")")
		}
		custom, err := customSignature(v)
		if err != nil {
			return fail("%v", err)
		}
		sig = custom
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if _, dup := in.caps[name]; dup {
		if name == CapValidateCredentialConfig && len(in.decl.Credentials) > 0 {
			return fail("is provided by lumos for connectors that declare Credentials; check a credential further with CredentialConfig.Validate")
		}
		return fail("is registered twice; remove one of the Handle calls")
	}
	c := &capability{name: name, sig: sig, fn: v}
	for _, o := range opts {
		o(c)
	}
	in.caps[name] = c
	in.info = nil
	return nil
}

// isGeneric reports whether t is an instantiation of the toolkit's generic type named base.
func isGeneric(t reflect.Type, base string) bool {
	return t.PkgPath() == toolkitPath && strings.HasPrefix(t.Name(), base+"[")
}

var toolkitPath = reflect.TypeFor[Page]().PkgPath()

// handlerTypes returns the request and response types of a handler
// func(context.Context, Req) (Resp, error).
func handlerTypes(fn reflect.Value) (req, resp reflect.Type, ok bool) {
	if !fn.IsValid() || fn.Kind() != reflect.Func || fn.IsNil() {
		return nil, nil, false
	}
	t := fn.Type()
	if t.IsVariadic() || t.NumIn() != 2 || t.NumOut() != 2 || t.In(0) != contextType || t.Out(1) != errorType {
		return nil, nil, false
	}
	return t.In(1), t.Out(0), true
}

// customSignature checks a custom capability's handler and returns its signature.
func customSignature(fn reflect.Value) (signature, error) {
	req, resp, ok := handlerTypes(fn)
	if !ok || !isGeneric(req, "CustomRequest") || !isGeneric(resp, "CustomResponse") {
		got := "nil"
		if fn.IsValid() {
			got = describeFunc(fn.Type())
		}
		return signature{}, fmt.Errorf("handler has type %s; want func(context.Context, toolkit.CustomRequest[P]) (toolkit.CustomResponse[R], error) for payload and result types P and R of your own", got)
	}
	if p := fieldType(req, "Request"); p.Kind() != reflect.Struct {
		return signature{}, fmt.Errorf("payload type %s must be a struct", p)
	}
	if _, err := planFor(req); err != nil {
		return signature{}, fmt.Errorf("payload type: %w", err)
	}
	return newSignature(req, resp, LevelWrite, "A capability of this connector's own."), nil
}

// extendedBy checks a handler of a customizable capability whose types are
// not the standard ones: its payload and result must extend the standard
// ones. It returns the signature with the connector's types.
func (s signature) extendedBy(fn reflect.Value) (signature, error) {
	want := func() error { // built only on failure: spelling types out is costly
		return fmt.Errorf("handler has type %s; want %s", describeFuncValue(fn), describeFunc(s.handlerType()))
	}
	if !s.customizable {
		return signature{}, want()
	}
	req, resp, ok := handlerTypes(fn)
	if !ok || !isGeneric(req, "Request") || !isGeneric(resp, "Response") {
		return signature{}, fmt.Errorf("%w (or Request[P] and Response[R] whose P and R extend the standard payload and result)", want())
	}
	if err := extends(fieldType(s.request, "Request"), fieldType(req, "Request")); err != nil {
		return signature{}, fmt.Errorf("payload %s does not extend the standard payload: %w", fieldType(req, "Request"), err)
	}
	if err := extends(fieldType(s.response, "Response"), fieldType(resp, "Response")); err != nil {
		return signature{}, fmt.Errorf("result %s does not extend the standard result: %w", fieldType(resp, "Response"), err)
	}
	ext := newSignature(req, resp, s.level, s.summary)
	ext.customizable = true
	return ext, nil
}

// extends checks upstream's rules for a customized payload: every base
// field is kept, with the same JSON type, and stays required if it was.
func extends(base, ext reflect.Type) error {
	if ext.Kind() != reflect.Struct {
		return fmt.Errorf("%s is not a struct", ext)
	}
	extFields := map[string]fieldPlan{}
	for _, f := range shallowFields(ext) {
		extFields[f.key] = f
	}
	for _, b := range shallowFields(base) {
		key := b.key
		e, ok := extFields[key]
		switch {
		case !ok:
			return fmt.Errorf("field %q is missing; keep every standard field (embedding the standard type keeps them all)", key)
		case e.jsonType != b.jsonType:
			return fmt.Errorf("field %q is a JSON %s, not %s as in the standard payload", key, e.jsonType, b.jsonType)
		case b.required && !e.required:
			return fmt.Errorf("field %q must stay required (tag it required:\"true\")", key)
		}
	}
	return nil
}

// shallowFields describes t's JSON fields (embedded ones included), in
// order, without looking into nested types: cheap enough for registration
// at start-up.
func shallowFields(t reflect.Type) []fieldPlan {
	var out []fieldPlan
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if key == "-" {
			continue
		}
		if key == "" {
			key = f.Name
		}
		out = append(out, fieldPlan{key: key, required: f.Tag.Get("required") == "true", jsonType: jsonTypeName(f.Type)})
	}
	return out
}

func describeFuncValue(fn reflect.Value) string {
	if !fn.IsValid() {
		return "nil"
	}
	return describeFunc(fn.Type())
}

// describeFunc writes a function type with the toolkit's aliases spelled as
// a connector author writes them.
func describeFunc(t reflect.Type) string {
	s := t.String()
	for alias, typ := range aliasNames() {
		s = strings.ReplaceAll(s, typ, alias)
	}
	return s
}

// aliasNames maps the spelled-out generic envelope types to their aliases.
func aliasNames() map[string]string {
	out := map[string]string{}
	for name, s := range signatures {
		base := pascal(string(name))
		out["toolkit."+base+"Request"] = s.request.String()
		out["toolkit."+base+"Response"] = s.response.String()
	}
	return out
}

// pascal turns a snake_case name into PascalCase.
func pascal(s string) string {
	return strings.ReplaceAll(CapabilityName(s).DisplayName(), " ", "")
}

// handlerPackage returns the last element of the import path of fn's package.
func handlerPackage(fn reflect.Value) string {
	f := runtime.FuncForPC(fn.Pointer())
	if f == nil {
		return "unknown"
	}
	name := f.Name() // e.g. github.com/lumosgo/lumos/mock.listAccounts or ...mock.init.func1
	dir, file := path.Split(name)
	pkg, _, _ := strings.Cut(file, ".")
	if pkg == "" {
		return strings.TrimSuffix(dir, "/")
	}
	return pkg
}
