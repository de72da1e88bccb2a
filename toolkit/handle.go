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
// Handle panics, naming the connector, the capability and the fix, when the
// name is unknown or already registered or fn has another signature.
func (in *Integration) Handle(name CapabilityName, fn any, opts ...CapabilityOption) {
	if err := in.handle(name, fn, opts...); err != nil {
		panic(err)
	}
}

func (in *Integration) handle(name CapabilityName, fn any, opts ...CapabilityOption) error {
	return in.add(name, fn, false, opts...)
}

// add registers a handler; builtin allows the capabilities lumos provides itself.
func (in *Integration) add(name CapabilityName, fn any, builtin bool, opts ...CapabilityOption) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("lumos: connector %q: capability %q: %s", in.decl.AppID, name, fmt.Sprintf(format, args...))
	}
	sig, ok := signatures[name]
	switch {
	case !builtin && (name == CapInfo || name == CapAppInfo || name == CapConnectedInfo):
		return fail("is provided by lumos itself and cannot be registered")
	case ok:
	case name.IsStandard():
		return fail("is a standard capability this version of lumos cannot register yet")
	default:
		return fail("is not a standard capability name; use one of the toolkit.Cap* constants")
	}
	if fn == nil {
		return fail("handler is nil; pass a function of type %s", describeFunc(sig.handlerType()))
	}
	v := reflect.ValueOf(fn)
	if !sig.matches(v) {
		return fail("handler has type %s; want %s", describeFunc(v.Type()), describeFunc(sig.handlerType()))
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if _, dup := in.caps[name]; dup {
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
