package toolkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// Limits on requests, checked before a handler runs.
const (
	MaxRequestBytes  = 32 << 20                // the largest request document
	MaxNestingDepth  = 128                     // the deepest nesting of objects and arrays in a request
	MaxPageSize      = 100_000                 // the largest page.size served; larger ones are served at this size
	MaxPageTokenSize = pagetoken.MaxTokenBytes // the longest page.token
)

// envelope gives the pipeline the shared fields of every Request[P].
type envelope interface {
	envelopeFields() envelopeView
}

// envelopeView is what the pipeline reads of a request envelope.
type envelopeView struct {
	auth           *AuthCredential
	credentials    []AuthCredential
	settings       json.RawMessage
	page           *Page
	includeRawData bool
}

func (r *Request[P]) envelopeFields() envelopeView {
	return envelopeView{r.Auth, r.Credentials, r.Settings, r.Page, r.IncludeRawData}
}

// unauthenticated marks envelopes without credentials (OAuth flows,
// validate_credential_config): the pipeline skips the credentials checks.
type unauthenticated interface{ withoutCredentials() }

func (*UnauthenticatedRequest[P]) withoutCredentials() {}

func (r *UnauthenticatedRequest[P]) envelopeFields() envelopeView {
	return envelopeView{settings: r.Settings, page: r.Page, includeRawData: r.IncludeRawData}
}

func badRequestf(format string, args ...any) *errs.Error {
	return errs.Newf(errs.BadRequest, format, args...)
}

// Dispatch runs one capability call: it parses body as the capability's
// request, checks credentials and settings, runs the handler and returns the
// response document (without a trailing newline). Every failure, a handler
// panic included, comes back as an ErrorResponse document; Dispatch itself
// never fails.
func (in *Integration) Dispatch(ctx context.Context, name string, body []byte) []byte {
	var buf bytes.Buffer
	_ = in.DispatchTo(ctx, &buf, name, body) // a bytes.Buffer never fails to write
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// DispatchTo is Dispatch writing the document and a newline to w in a single
// Write, so a reader never sees part of a document. It returns only w's error.
//
// Every secret of the request (a value under a secret key such as
// "password" or "token", or under a field its type tags secret) is masked
// wherever it appears in the document and in the call's log records.
func (in *Integration) DispatchTo(ctx context.Context, w io.Writer, name string, body []byte) error {
	cl := in.newCall(ctx, name, body)
	ctx = context.WithValue(WithLogger(ctx, cl.log), callKey{}, cl)
	var doc any
	c := in.capability(CapabilityName(name))
	if c == nil {
		doc = in.errorDoc(cl, errs.Newf(errs.NotImplemented, "Capability '%s' is not implemented.", name), nil, false)
	} else if resp, err := in.run(ctx, c, body); err == nil {
		doc = resp
	} else if he := (*handlerError)(nil); errors.As(err, &he) {
		if cause := context.Cause(ctx); errors.Is(he.err, context.Canceled) && cause != nil && cause != context.Canceled {
			he.err = cause // say why the call was cancelled, e.g. which signal stopped it
		}
		doc = in.errorDoc(cl, he.err, c, true)
	} else {
		doc = in.errorDoc(cl, err, nil, false)
	}
	// The OAuth capabilities exist to hand credentials back: their successful
	// answer may rightly repeat a secret of the request (a refresh token that
	// was not rotated), so it is not masked. Their logs and errors still are.
	_, failed := doc.(errorDocument)
	cl.maskOutput = failed || c == nil || c.spec.level != LevelAuth
	out, err := cl.encode(doc)
	if err != nil {
		// The handler's result could not be encoded (e.g. a func or NaN in extra_data).
		doc = in.errorDoc(cl, errs.Wrap(err, errs.InvalidResponse, "Unexpected response from executed capability: "+err.Error()), c, false)
		if out, err = cl.encode(doc); err != nil {
			return err // cannot happen: an ErrorResponse always encodes
		}
	}
	if e, ok := doc.(errorDocument); ok {
		code, msg := e.codeAndMessage()
		cl.log.Error(in.decl.AppID + "/" + string(code) + ": " + msg)
	} else if cl.proto == ProtocolLatest {
		out = cl.appendRateLimit(out)
	}
	_, err = w.Write(out)
	cl.release()
	return err
}

// run is the pipeline of one call: parse → credentials → settings →
// execute. It returns the success envelope to serialize.
func (in *Integration) run(ctx context.Context, c *capability, body []byte) (any, error) {
	start := time.Now()
	ctx, release := WithBudget(ctx, in.decl.Budget)
	defer release()
	if len(body) > MaxRequestBytes {
		return nil, badRequestf("Invalid request - the request is larger than the limit of %d bytes", MaxRequestBytes)
	}
	if !utf8.Valid(body) {
		return nil, badRequestf("Invalid request - the request is not valid UTF-8")
	}
	if nestingDeeperThan(body, MaxNestingDepth) {
		return nil, badRequestf("Invalid request - objects and arrays are nested deeper than the limit of %d levels", MaxNestingDepth)
	}
	p, err := planFor(c.spec.request)
	if err != nil {
		return nil, err
	}
	req := c.handler.newRequest()
	if problems := decodeStrict(body, req, p); len(problems) > 0 {
		return nil, badRequestf("Invalid request - %s", joinFieldErrors(problems))
	}
	cl := callOf(ctx)
	if cl != nil && cl.proto == ProtocolLatest {
		if raw, ok := topMember(body, "rate_limit"); ok {
			rl, err := parseRateLimit(raw)
			if err != nil {
				return nil, err
			}
			cl.rateLimit = rl
			var cancel context.CancelFunc
			ctx, cancel = withExecutionDeadline(ctx, rl, start)
			defer cancel()
		}
	}
	env := req.(envelope).envelopeFields()
	if !isNull(env.settings) && bytes.TrimSpace(env.settings)[0] != '{' {
		return nil, badRequestf("Invalid request - settings: expected object, got %s", jsonKind(env.settings))
	}
	if err := in.checkPage(env.page); err != nil {
		return nil, err
	}
	if _, noAuth := req.(unauthenticated); !noAuth && c.spec != CapAppInfo.spec {
		if creds := in.authAsCredentials(env.auth, env.credentials); creds != nil {
			req.(credentialSetter).useCredentials(creds)
			env.auth, env.credentials = nil, creds
		}
		check := in.checkCredentials
		if cl != nil && cl.proto == ProtocolLatest {
			check = in.checkCredentialsLatest
		}
		if err := check(env.auth, env.credentials); err != nil {
			return nil, err
		}
	}
	if in.settingsType != nil && c.spec != CapAppInfo.spec {
		if err := in.checkSettings(env.settings); err != nil {
			return nil, err
		}
	}
	if cl != nil {
		cl.rawWanted = env.includeRawData
	}
	resp, err := in.execute(ctx, c, req)
	if err != nil {
		return nil, &handlerError{budgetCause(ctx, err)}
	}
	return resp, nil
}

// checkCredentials applies the protocol's auth and credentials checks, with
// upstream's messages.
func (in *Integration) checkCredentials(auth *AuthCredential, creds []AuthCredential) error {
	switch {
	case auth != nil && creds != nil:
		return badRequestf("Cannot pass credentials and auth in the same request, if you've meant to make this connector multi-auth compatible, please remove the auth field.")
	case creds != nil:
		if len(creds) == 0 {
			return badRequestf("Missing credentials in request")
		}
		byID := map[string]*AuthCredential{}
		for i := range creds {
			cr := &creds[i]
			if cr.ID == nil {
				return badRequestf("Missing ID in credential at index %d", i)
			}
			if !in.declaresCredential(*cr.ID) {
				return badRequestf("Credential with id '%s' not expected", *cr.ID)
			}
			byID[*cr.ID] = cr
		}
		for _, cfg := range in.decl.Credentials {
			if !cfg.Optional && !byID[cfg.ID].Has(cfg.Type) {
				return badRequestf("Missing '%s' credential in request", cfg.Type)
			}
		}
	case auth != nil:
		if in.decl.Auth == "" {
			return badRequestf("Missing credentials in request")
		}
		if !auth.Has(in.decl.Auth) {
			return badRequestf("Missing '%s' auth in request", in.decl.Auth)
		}
	default:
		return badRequestf("Missing auth/credentials in request")
	}
	return nil
}

// authAsCredentials lets a multi-credential connector take the simpler
// "auth" form when it names exactly one credential kind that exactly one of
// the connector's credential configs has: {"auth":{"token":{…}}} is then read
// as {"credentials":[{"id":"<that config>","token":{…}}]}. It returns nil
// when the request is not of that form. (Upstream rejects "auth" for such
// connectors; accepting the unambiguous case is what a user expects.)
func (in *Integration) authAsCredentials(auth *AuthCredential, creds []AuthCredential) []AuthCredential {
	if auth == nil || creds != nil || len(in.decl.Credentials) == 0 {
		return nil
	}
	var kind AuthModel
	for _, m := range allAuthModels {
		if auth.Has(m) {
			if kind != "" {
				return nil // several kinds: ambiguous
			}
			kind = m
		}
	}
	var match *CredentialConfig
	for i, cfg := range in.decl.Credentials {
		if cfg.Type == kind {
			if match != nil {
				return nil // several configs of that kind: ambiguous
			}
			match = &in.decl.Credentials[i]
		}
	}
	if match == nil {
		return nil
	}
	cred := *auth
	cred.ID = Ptr(match.ID)
	return []AuthCredential{cred}
}

// credentialSetter lets the pipeline rewrite an envelope's credentials.
type credentialSetter interface{ useCredentials([]AuthCredential) }

func (r *Request[P]) useCredentials(c []AuthCredential) { r.Auth, r.Credentials = nil, c }

func (r *CustomRequest[P]) useCredentials(c []AuthCredential) { r.Auth, r.Credentials = nil, c }

func (in *Integration) declaresCredential(id string) bool {
	for _, c := range in.decl.Credentials {
		if c.ID == id {
			return true
		}
	}
	return false
}

// checkSettings validates the request's settings against the connector's settings type.
func (in *Integration) checkSettings(raw json.RawMessage) error {
	if isNull(raw) {
		return badRequestf("No settings passed on request: %s requires %s", in.decl.AppID, in.settingsType.Name())
	}
	p, err := planFor(in.settingsType)
	if err != nil {
		return err
	}
	v := reflect.New(in.settingsType)
	p.applyDefaults(v.Elem())
	problems := decodeStrict(raw, v.Interface(), p)
	if len(problems) == 0 {
		return nil
	}
	msg := "Invalid settings passed on request."
	var missing, other []string
	for _, pr := range problems {
		if pr.problem == "field required" && !strings.Contains(pr.path, ".") {
			missing = append(missing, pr.label)
		} else {
			other = append(other, pr.String())
		}
	}
	if len(missing) > 0 {
		msg += " Missing required settings: " + strings.Join(missing, ", ")
	}
	if len(other) > 0 {
		msg += " Invalid values: " + strings.Join(other, "; ")
	}
	return badRequestf("%s", msg)
}

// execute calls the handler, turning a panic into an error.
func (in *Integration) execute(ctx context.Context, c *capability, req any) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			Logger(ctx).Error("capability panicked", "app_id", in.decl.AppID, "capability", string(c.spec.name),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = &panicError{value: r}
		}
	}()
	return c.handler.call(ctx, req)
}

// handlerError marks an error returned or raised by a handler, as opposed
// to one of the pipeline's own checks; only the former names where it came from.
type handlerError struct{ err error }

func (h *handlerError) Error() string { return h.err.Error() }

// panicError carries a recovered handler panic to the error envelope.
type panicError struct{ value any }

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// responseEnvelope is a success envelope (Response or CustomResponse) the
// pipeline completes before encoding it.
type responseEnvelope interface {
	// finish writes a nil list result as [] (the protocol requires a list)
	// and, when the handler left raw_data unset, fills it with raw, what
	// the call collected through AddRawData (nil unless it was asked for).
	finish(raw []any)
}

func (r *Response[P]) finish(raw []any) {
	emptyListIfNil(&r.Response)
	if r.RawData == nil && raw != nil {
		r.RawData = raw
	}
}

func (r *CustomResponse[R]) finish(raw []any) {
	emptyListIfNil(&r.Response)
	if r.RawData == nil && raw != nil {
		r.RawData = raw
	}
}

// emptyListIfNil sets *p to an empty slice when it is a nil slice.
func emptyListIfNil[T any](p *T) {
	if v := reflect.ValueOf(p).Elem(); v.Kind() == reflect.Slice && v.IsNil() {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
}

// errorEnvelope renders err as a 0.37 ErrorResponse, and returns the
// details it was built from. c is the capability whose handler failed, or
// nil for the pipeline's own checks, which (as upstream) name no raiser.
func (in *Integration) errorEnvelope(err error, c *capability) (ErrorResponse, errs.Details) {
	doc := ErrorResponse{IsError: true, Error: Error{AppID: in.decl.AppID}}
	var d errs.Details
	var pe *panicError
	if errors.As(err, &pe) {
		d = errs.Details{Message: "The capability failed unexpectedly: " + pe.Error(), Code: errs.UnexpectedError, RaisedBy: "panic"}
	} else {
		d = errs.Describe(err, in.decl.ErrorHandlers)
	}
	doc.Error.Message, doc.Error.ErrorCode = d.Message, d.Code
	if d.StatusCode != 0 {
		doc.Error.StatusCode = Ptr(d.StatusCode)
	}
	if d.AppErrorCode != "" {
		doc.Error.AppErrorCode = Ptr(d.AppErrorCode)
	}
	if c != nil {
		doc.Error.RaisedBy = Ptr(d.RaisedBy)
		doc.Error.RaisedIn = Ptr(c.raisedIn())
	}
	return doc, d
}

// errorDoc renders err as the error envelope of cl's protocol: an
// ErrorResponse with 0.37's codes, or an ErrorResponseLatest with the
// newer codes and error_metadata. With withRaw, what the call recorded
// for raw_data is kept (what the upstream said before the failure).
func (in *Integration) errorDoc(cl *call, err error, c *capability, withRaw bool) errorDocument {
	e, d := in.errorEnvelope(err, c)
	if withRaw {
		if raw := cl.rawData(); raw != nil {
			e.RawData = raw
		}
	}
	if cl.proto != ProtocolLatest {
		e.Error.ErrorCode = errs.Legacy(e.Error.ErrorCode)
		return e
	}
	return latestError(e, d.Hint, isBudgetError(err))
}

// latestError turns a 0.37 error envelope into the newer protocol's: the
// code translated (a spent budget is budget_exhausted) and error_metadata
// derived from it.
func latestError(e ErrorResponse, hint string, budget bool) ErrorResponseLatest {
	code := errs.Current(e.Error.ErrorCode)
	if budget {
		code = errs.BudgetExhausted
	}
	e.Error.ErrorCode = code
	m := errs.MetadataOf(code, hint)
	return ErrorResponseLatest{IsError: true, Error: ErrorLatest{Error: e.Error, ErrorMetadata: &m}, RawData: e.RawData, Page: e.Page}
}

// isBudgetError reports whether err is the call's budget (or the
// request's max_execution_time) running out.
func isBudgetError(err error) bool {
	var be *BudgetError
	return errors.As(err, &be)
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

func jsonKind(raw json.RawMessage) string {
	switch t := bytes.TrimSpace(raw); t[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	default:
		return "number"
	}
}

// ErrorDocument renders err as the connector's error envelope, for failures
// outside a capability call (such as an interrupted command).
func (in *Integration) ErrorDocument(err error) []byte {
	cl := &call{maskOutput: true, proto: envProtocol()}
	doc, encErr := cl.encode(in.errorDoc(cl, err, nil, false))
	if encErr != nil { // cannot happen: an ErrorResponse always encodes
		return nil
	}
	return bytes.TrimSuffix(doc, []byte("\n"))
}

// checkPage applies the page limits to the request's page, in place, so
// the handler sees what it is to serve. page.size is a hint, as upstream
// treats it: a size above the connector's maximum is that maximum, and a
// zero or negative one is 0, the connector's default. Only an oversized
// token is refused.
func (in *Integration) checkPage(p *Page) error {
	if p == nil {
		return nil
	}
	if len(p.Token) > MaxPageTokenSize {
		return errs.Newf(errs.InvalidPageToken, "Invalid page token: it is %d bytes long; the limit is %d. Start the listing again without a page token.", len(p.Token), MaxPageTokenSize)
	}
	p.Size = min(max(p.Size, 0), in.maxPageSize())
	return nil
}

// maxPageSize is the largest page size the connector serves.
func (in *Integration) maxPageSize() int {
	if m := in.decl.MaxPageSize; m > 0 && m < MaxPageSize {
		return m
	}
	return MaxPageSize
}

// nestingDeeperThan reports whether the JSON text nests objects and arrays
// deeper than limit, without decoding it.
func nestingDeeperThan(doc []byte, limit int) bool {
	depth, inString := 0, false
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if depth++; depth > limit {
				return true
			}
		case '}', ']':
			depth--
		}
	}
	return false
}
