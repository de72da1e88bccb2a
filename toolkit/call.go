package toolkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/lumosgo/lumos/toolkit/redact"
)

// call is the state of one Dispatch: the secrets of its request (and those
// the handler registers with AddSecret) and the logger that masks them.
type call struct {
	secrets        redact.Secrets  // the request's and the minted ones
	requestSecrets *redact.Secrets // the request's only, for OAuth successes
	log            *slog.Logger
	buf            *bytes.Buffer

	// maskOutput is false for an OAuth capability's success, which is
	// masked its own way (see encode).
	maskOutput bool

	rawWanted bool // the request set include_raw_data
	rawMu     sync.Mutex
	raw       []any

	proto     Protocol          // the protocol the call is answered in
	badEnv    string            // an EnvProtocol value not understood, to log
	rateLimit *RateLimitRequest // the request's rate_limit block (latest protocol only)
	rlMu      sync.Mutex
	observed  map[string]RateLimitState // rate limits observed, by id (see ObserveRateLimit)
}

type callKey struct{}

func callOf(ctx context.Context) *call {
	cl, _ := ctx.Value(callKey{}).(*call)
	return cl
}

// AddSecret registers value, a credential the connector minted or received
// during the current capability call (a signed JWT, an installation token,
// tokens from a refresh), as a secret of the call: from then on it is
// masked like the request's own secrets in the response document
// (raw_data and error messages included) and in every log record of the
// call. Register it the moment it exists, before it is sent anywhere or
// can be logged. Values shorter than redact.MinSecretLength are masked only
// where a value under a secret key is exactly them. Outside a capability
// call AddSecret does nothing.
func AddSecret(ctx context.Context, value string) {
	if cl := callOf(ctx); cl != nil {
		cl.secrets.Add(value)
	}
}

// WantsRawData reports whether the current call's request set
// include_raw_data, so upstream responses are worth keeping.
func WantsRawData(ctx context.Context) bool {
	cl := callOf(ctx)
	return cl != nil && cl.rawWanted
}

// AddRawData records an upstream response (any JSON value, typically a
// decoded body) for the current call's raw_data. It does nothing unless the
// request set include_raw_data. When the handler leaves raw_data unset, the
// pipeline fills it with the recorded values, in order; error envelopes get
// them too. Secrets in them are masked like everything else.
func AddRawData(ctx context.Context, v any) {
	cl := callOf(ctx)
	if cl == nil || !cl.rawWanted {
		return
	}
	cl.rawMu.Lock()
	cl.raw = append(cl.raw, v)
	cl.rawMu.Unlock()
}

// rawData returns what the call recorded, or nil.
func (cl *call) rawData() []any {
	if cl == nil {
		return nil
	}
	cl.rawMu.Lock()
	defer cl.rawMu.Unlock()
	return cl.raw
}

type traceKey struct{}

// WithTrace returns ctx asking for a trace of upstream requests on w (one
// line each); the lumos command line sets it for --trace or LUMOS_TRACE=1.
func WithTrace(ctx context.Context, w io.Writer) context.Context {
	return context.WithValue(ctx, traceKey{}, w)
}

// TraceWriter returns where to trace upstream requests, or nil when no trace
// was asked for.
func TraceWriter(ctx context.Context) io.Writer {
	w, _ := ctx.Value(traceKey{}).(io.Writer)
	return w
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

type loggerKey struct{}

// WithLogger returns ctx carrying l as the logger of the calls dispatched
// with it. The lumos command line installs one honouring LUMOS_LOG_*.
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

// Logger returns the logger of the capability call ctx belongs to: records
// go where the process logs (never stdout), with the request's secrets
// masked. Without one installed it logs errors through slog.Default().
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.New(minLevel{slog.Default().Handler(), slog.LevelError})
}

// minLevel passes on only records at or above level.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

// newCall gathers the request's secrets and logs the invocation at INFO,
// redacted by key.
func (in *Integration) newCall(ctx context.Context, name string, body []byte) *call {
	cl := &call{}
	base := Logger(ctx)
	keys := in.secretKeys()
	cl.secrets.SetKeys(keys)
	// Read in place, not decoded: a call pays for decoding its request once.
	var top map[string][]byte
	if json.Valid(body) {
		// page.token is under a secret key by name only: it is the
		// connector's own cursor, which an answer may rightly repeat (and
		// masking it would break the listing); being opaque, it shows no
		// credential either.
		redact.CollectJSON(body, keys, &cl.secrets, "page")
		top, _ = members(body)
	}
	cl.proto, cl.badEnv = chooseProtocol(ctx, top)
	cl.requestSecrets = cl.secrets.Clone()
	// Always masking: the handler may register secrets later (AddSecret).
	cl.log = slog.New(maskingHandler{base.Handler(), &cl.secrets})
	if cl.log.Enabled(ctx, slog.LevelInfo) {
		var generic any
		_ = json.Unmarshal(body, &generic)
		logged := fmt.Sprintf("(not a JSON object, %d bytes)", len(body))
		if obj, ok := generic.(map[string]any); ok {
			b, _ := json.Marshal(redact.Value(obj, keys))
			logged = string(b)
		}
		cl.log.Info("invoking capability", "app_id", in.decl.AppID, "capability", name, "request", logged)
	}
	if cl.badEnv != "" {
		cl.log.Warn("ignoring an unknown "+EnvProtocol+"; choosing the protocol by the request", "value", cl.badEnv, "protocol", string(cl.proto))
	}
	return cl
}

// encode renders doc as one line of JSON, with the call's secrets masked.
//
// The OAuth capabilities exist to hand credentials back, so their
// successful answer is masked differently: its response member (the new
// tokens, or a refresh token that was not rotated and so equals a secret of
// the request) is written as is, and the rest of the document (raw_data) is
// masked against the request's own secrets only (an echoed client_secret),
// not against the tokens the call received, which it exists to return.
func (cl *call) encode(doc any) ([]byte, error) {
	if cl.buf == nil {
		cl.buf = bufPool.Get().(*bytes.Buffer)
	}
	cl.buf.Reset()
	enc := json.NewEncoder(cl.buf)
	enc.SetEscapeHTML(false)
	if w, ok := doc.(memberWriter); ok {
		if err := w.writeMembers(cl.buf, enc); err != nil {
			return nil, err
		}
	} else if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if !cl.maskOutput {
		return cl.requestSecrets.JSONExcept(cl.buf.Bytes(), "response"), nil
	}
	return cl.secrets.JSON(cl.buf.Bytes()), nil
}

// release returns the call's buffer to the pool; the encoded output must
// not be used afterwards.
func (cl *call) release() {
	if cl.buf != nil && cl.buf.Cap() <= 4<<20 {
		bufPool.Put(cl.buf)
	}
	cl.buf = nil
}

// secretKeys are the request keys whose values are secrets: upstream's
// list, LUMOS_ADDITIONAL_REDACTED_LOG_KEYS, and the fields of the settings
// and credential types tagged secret:"true". Computed once per integration.
func (in *Integration) secretKeys() redact.Keys {
	in.keysOnce.Do(func() {
		var extra []string
		for _, k := range authKinds {
			extra = append(extra, secretFields(k.typ)...)
		}
		if in.settingsType != nil {
			extra = append(extra, secretFields(in.settingsType)...)
		}
		in.keys = redact.NewKeys(extra...)
	})
	return in.keys
}

// maskingHandler masks secrets in every record's message and string attributes.
type maskingHandler struct {
	slog.Handler
	secrets *redact.Secrets
}

func (h maskingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.secrets.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.mask(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h maskingHandler) mask(a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.secrets.String(a.Value.String()))
	case slog.KindGroup:
		attrs := a.Value.Group()
		masked := make([]any, len(attrs))
		for i, g := range attrs {
			masked[i] = h.mask(g)
		}
		return slog.Group(a.Key, masked...)
	case slog.KindAny:
		return slog.String(a.Key, h.secrets.String(a.Value.String()))
	}
	return a
}

func (h maskingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = h.mask(a)
	}
	return maskingHandler{h.Handler.WithAttrs(masked), h.secrets}
}

func (h maskingHandler) WithGroup(name string) slog.Handler {
	return maskingHandler{h.Handler.WithGroup(name), h.secrets}
}
