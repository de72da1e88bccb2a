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
	spec        *capSpec // the standard contract, or the connector's own for custom and extended ones
	handler     boundHandler
	displayName string
	description string
}

// boundHandler is a handler bound to its request and response types: the
// pipeline calls it without reflection.
type boundHandler struct {
	newRequest func() any                                      // a pointer to a zero request envelope
	call       func(ctx context.Context, req any) (any, error) // runs the handler on what newRequest returned
	pc         uintptr                                         // the handler's code, to name its package in errors
}

// bind wraps fn so the pipeline can call it with a decoded *Req and gets
// back the success envelope, completed by finishResponse.
func bind[Req, Resp any](fn func(context.Context, Req) (Resp, error)) boundHandler {
	return boundHandler{
		newRequest: func() any { return new(Req) },
		call: func(ctx context.Context, req any) (any, error) {
			resp, err := fn(ctx, *req.(*Req))
			if err != nil {
				return nil, err
			}
			if r, ok := any(&resp).(responseEnvelope); ok {
				r.finish(callOf(ctx).rawData())
			}
			return resp, nil
		},
		pc: reflect.ValueOf(fn).Pointer(),
	}
}

// raisedIn names where a handler error came from: "<package>:<capability>".
func (c *capability) raisedIn() string {
	return handlerPackage(c.handler.pc) + ":" + string(c.spec.name)
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

// Handle registers fn as in's implementation of the standard capability c.
// The compiler checks fn against c: for CapListAccounts it must be a
//
//	func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error)
//
// Handle panics, naming the connector, the capability and the fix, when fn
// is nil, c is answered by lumos itself (info, app_info) or c is already
// registered. Call it from init, before Register.
func Handle[Req, Resp any](in *Integration, c Capability[Req, Resp], fn func(context.Context, Req) (Resp, error), opts ...CapabilityOption) {
	must(in.add(c.spec, fn == nil, func() boundHandler { return bind(fn) }, opts))
}

// HandleExtended registers fn for create_account or update_account with a
// payload P and result R of the connector's own that extend the standard
// ones: every standard field kept, with its JSON type and its
// required-ness (embedding the standard type keeps them all). The
// capability's schemas, `info` and app_info then show the connector's
// types. HandleExtended panics, naming the fix, when c cannot be extended
// or P or R do not extend the standard types.
func HandleExtended[P, R, StdP, StdR any](in *Integration, c Capability[Request[StdP], Response[StdR]], fn func(context.Context, Request[P]) (Response[R], error), opts ...CapabilityOption) {
	spec, err := c.spec.extendedBy(reflect.TypeFor[Request[P]](), reflect.TypeFor[Response[R]]())
	if err != nil {
		panic(in.registrationError(c.spec.name, "%v", err))
	}
	must(in.add(spec, fn == nil, func() boundHandler { return bind(fn) }, opts))
}

// HandleCustom registers fn as the connector's own capability name:
// lower-case letters in words joined by "_", not a standard name. P is its
// payload struct and R its result. The capability then appears in `info`,
// the CLI and the specs like a standard one. HandleCustom panics, naming
// the fix, on a bad name, a duplicate or a payload that is not a struct.
func HandleCustom[P, R any](in *Integration, name CapabilityName, fn func(context.Context, CustomRequest[P]) (CustomResponse[R], error), opts ...CapabilityOption) {
	spec, err := customSpec(name, reflect.TypeFor[CustomRequest[P]](), reflect.TypeFor[CustomResponse[R]]())
	if err != nil {
		panic(in.registrationError(name, "%v", err))
	}
	must(in.add(spec, fn == nil, func() boundHandler { return bind(fn) }, opts))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// registrationError names the connector and the capability in a registration failure.
func (in *Integration) registrationError(name CapabilityName, format string, args ...any) error {
	return fmt.Errorf("lumos: connector %q: capability %q: %s", in.decl.AppID, name, fmt.Sprintf(format, args...))
}

// add registers a handler for spec. bind is called only once the
// registration is known to be valid.
func (in *Integration) add(spec *capSpec, nilHandler bool, bind func() boundHandler, opts []CapabilityOption) error {
	switch {
	case spec.builtin:
		return in.registrationError(spec.name, "is provided by lumos itself and cannot be registered")
	case nilHandler:
		return in.registrationError(spec.name, "handler is nil; pass a function of type %s", describeFunc(spec.request, spec.response))
	}
	return in.install(spec, bind(), opts)
}

// install adds a checked handler; lumos's own capabilities (app_info) come
// here directly.
func (in *Integration) install(spec *capSpec, h boundHandler, opts []CapabilityOption) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if _, dup := in.caps[spec.name]; dup {
		if spec.name == CapValidateCredentialConfig.Name() && len(in.decl.Credentials) > 0 {
			return in.registrationError(spec.name, "is provided by lumos for connectors that declare Credentials; check a credential further with CredentialConfig.Validate")
		}
		return in.registrationError(spec.name, "is registered twice; remove one of the Handle calls")
	}
	c := &capability{spec: spec, handler: h}
	for _, o := range opts {
		o(c)
	}
	in.caps[spec.name] = c
	in.info = nil
	return nil
}

// customSpec checks a custom capability's name and payload and returns its contract.
func customSpec(name CapabilityName, req, resp reflect.Type) (*capSpec, error) {
	switch {
	case name.IsStandard():
		return nil, fmt.Errorf("is a standard capability name and cannot be a custom one; register it with Handle")
	case !wordsJoinedBy(string(name), "_", false):
		return nil, fmt.Errorf("is not a standard capability, and a custom capability name must be lower-case letters in words joined by '_' (e.g. \"sync_groups\")")
	}
	if p := fieldType(req, "Request"); p.Kind() != reflect.Struct {
		return nil, fmt.Errorf("payload type %s must be a struct", p)
	}
	if err := checkPlans(req); err != nil {
		return nil, fmt.Errorf("payload type: %w", err)
	}
	return &capSpec{name: name, level: LevelWrite, summary: "A capability of this connector's own.", request: req, response: resp}, nil
}

// extendedBy checks a customized create or update capability's types
// against the standard ones and returns the contract with the connector's
// types.
func (s *capSpec) extendedBy(req, resp reflect.Type) (*capSpec, error) {
	if !s.customizable {
		return nil, fmt.Errorf("cannot be extended; register it with Handle and the standard types %s", describeFunc(s.request, s.response))
	}
	if err := extends(fieldType(s.request, "Request"), fieldType(req, "Request")); err != nil {
		return nil, fmt.Errorf("payload %s does not extend the standard payload: %w", fieldType(req, "Request"), err)
	}
	if err := extends(fieldType(s.response, "Response"), fieldType(resp, "Response")); err != nil {
		return nil, fmt.Errorf("result %s does not extend the standard result: %w", fieldType(resp, "Response"), err)
	}
	ext := *s
	ext.request, ext.response = req, resp
	return &ext, nil
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
// order, without looking into nested types.
func shallowFields(t reflect.Type) []fieldPlan {
	var out []fieldPlan
	for _, f := range visibleFields(t) {
		tags, ok := readTags(f)
		if !ok {
			continue
		}
		out = append(out, fieldPlan{key: tags.key, required: tags.required, jsonType: jsonTypeName(f.Type)})
	}
	return out
}

// describeFunc writes the handler type of a request and a response type,
// with the toolkit's aliases spelled as a connector author writes them.
func describeFunc(req, resp reflect.Type) string {
	s := "func(context.Context, " + req.String() + ") (" + resp.String() + ", error)"
	for _, spec := range standard {
		if spec.request == nil {
			continue
		}
		base := strings.ReplaceAll(spec.name.pascal(), "Url", "URL") // Go's spelling of the alias names
		s = strings.ReplaceAll(s, spec.request.String(), "toolkit."+base+"Request")
		s = strings.ReplaceAll(s, spec.response.String(), "toolkit."+base+"Response")
	}
	return s
}

// handlerPackage returns the last element of the import path of the
// package whose code is at pc.
func handlerPackage(pc uintptr) string {
	f := runtime.FuncForPC(pc)
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
