package toolkit

import (
	"context"
	"os"
	"strings"
)

// LatestProtocolVersion is the newest connector-sdk-types release whose
// wire shapes lumos also speaks (its "latest" protocol): the rate_limit
// request and response blocks, the newer error codes with error_metadata,
// and the multi-credential combination rules. docs/protocol-versions.md
// lists what of it is confirmed from the reference's sources.
const LatestProtocolVersion = "0.79.0"

// Protocol is a version of the protocol a call is answered in.
type Protocol string

// The protocols lumos speaks.
const (
	// Protocol037 is connector-sdk-types 0.37.0 (connector-py 4.184.0),
	// byte for byte: the default.
	Protocol037 Protocol = "0.37"
	// ProtocolLatest is the newer protocol (see LatestProtocolVersion).
	ProtocolLatest Protocol = "latest"
)

// EnvProtocol names the environment variable that pins the protocol of
// every call of the process: "0.37" (or "0.37.0") or "latest" (or
// "0.79", "0.79.0"). Unset, empty or "auto", each call chooses by its
// request's content; any other value is ignored (and logged) likewise.
const EnvProtocol = "LUMOS_PROTOCOL"

// ParseProtocol reads a protocol name as EnvProtocol takes it. ok is false
// for "", "auto" and unknown names.
func ParseProtocol(s string) (p Protocol, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "0.37", "0.37.0":
		return Protocol037, true
	case "latest", "0.79", LatestProtocolVersion:
		return ProtocolLatest, true
	}
	return "", false
}

// Version is the protocol's full version number, e.g. "0.37.0".
func (p Protocol) Version() string {
	if p == ProtocolLatest {
		return LatestProtocolVersion
	}
	return ProtocolVersion
}

type protocolKey struct{}

// WithProtocol returns ctx pinning the protocol of the calls dispatched
// with it to p, whatever the environment and the request say: for a host
// that knows which protocol its caller speaks (an HTTP server reading a
// header, say).
func WithProtocol(ctx context.Context, p Protocol) context.Context {
	return context.WithValue(ctx, protocolKey{}, p)
}

// ProtocolOf returns the protocol the current call is answered in
// (Protocol037 outside a dispatched call).
func ProtocolOf(ctx context.Context) Protocol {
	if cl := callOf(ctx); cl != nil && cl.proto != "" {
		return cl.proto
	}
	return Protocol037
}

// chooseProtocol decides a call's protocol: a protocol pinned on ctx
// (WithProtocol), else one pinned by EnvProtocol, else the latest when the
// request document has a top-level "rate_limit" key (which only a newer
// platform sends; it sends it even as null), else 0.37. bad is the value
// of EnvProtocol when it was set but not understood.
func chooseProtocol(ctx context.Context, request map[string][]byte) (p Protocol, bad string) {
	if p, ok := ctx.Value(protocolKey{}).(Protocol); ok && (p == Protocol037 || p == ProtocolLatest) {
		return p, ""
	}
	env := os.Getenv(EnvProtocol)
	if p, ok := ParseProtocol(env); ok {
		return p, ""
	}
	if e := strings.ToLower(strings.TrimSpace(env)); e != "" && e != "auto" {
		bad = env
	}
	if _, newer := request["rate_limit"]; newer {
		return ProtocolLatest, bad
	}
	return Protocol037, bad
}

// envProtocol is the protocol EnvProtocol pins, else 0.37: for documents
// written outside a call (an interrupted command).
func envProtocol() Protocol {
	if p, ok := ParseProtocol(os.Getenv(EnvProtocol)); ok {
		return p
	}
	return Protocol037
}
