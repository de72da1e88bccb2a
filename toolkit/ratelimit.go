package toolkit

import (
	"context"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lumosgo/lumos/errs"
)

// RateLimitMode is how a call treats the connector's rate limiter, as the
// caller may ask in rate_limit.caller_override_mode.
type RateLimitMode string

// The rate-limit modes. The request may spell them in either case.
const (
	// RateLimitBypass: do not hold the call back for a rate limit known
	// beforehand (last_known_state); limits the upstream answers with
	// still apply.
	RateLimitBypass RateLimitMode = "BYPASS"
	// RateLimitEnforce: honour every known limit (the default).
	RateLimitEnforce RateLimitMode = "ENFORCE"
)

// Enum lists the wire values, for JSON schema reflection.
func (RateLimitMode) Enum() []any { return []any{string(RateLimitBypass), string(RateLimitEnforce)} }

// RateLimitState is what is known of one upstream rate limit at a moment
// (the reference's RateLimitStateSnapshot). Every field is optional.
type RateLimitState struct {
	Remaining     *int    `json:"remaining" description:"Requests left in the current window."`
	Limit         *int    `json:"limit" description:"Requests allowed per window."`
	Reset         *int64  `json:"reset" description:"When the window resets, in seconds since the Unix epoch."`
	WindowSeconds *int    `json:"window_seconds" description:"Length of the window, in seconds."`
	CurrentDelay  *int    `json:"current_delay" description:"Seconds the connector is holding requests back for this limit."`
	Source        *string `json:"source" description:"The upstream signal the state was read from, e.g. a header name."`
}

// RateLimitRequest is the rate_limit block of a newer platform's request
// (the reference's RateLimitRequestInfo).
type RateLimitRequest struct {
	MaxExecutionTime   *float64                  `json:"max_execution_time" description:"Seconds the call may run; its deadline is the time it was received plus this."`
	LastKnownState     map[string]RateLimitState `json:"last_known_state" description:"The state of each rate limit (by its id) at the end of the previous call, to start from."`
	CallerOverrideMode *RateLimitMode            `json:"caller_override_mode" description:"BYPASS to ignore last_known_state, ENFORCE to honour it."`
}

// RateLimitResponse is the rate_limit block of a success answer in the
// newer protocol (the reference's RateLimitResponseInfo): the state of
// each upstream rate limit the call observed, by its id.
type RateLimitResponse struct {
	CurrentState map[string]RateLimitState `json:"current_state" description:"What the call observed of each rate limit, by id."`
}

// RateLimitOf returns the rate_limit block of the current call's request,
// or nil when it had none (always nil in the 0.37 protocol).
func RateLimitOf(ctx context.Context) *RateLimitRequest {
	if cl := callOf(ctx); cl != nil {
		return cl.rateLimit
	}
	return nil
}

// LastKnownRateLimit returns the state the caller sent for the rate limit
// id in rate_limit.last_known_state, unless it asked to bypass it; ok is
// false when there is none to honour.
func LastKnownRateLimit(ctx context.Context, id string) (s RateLimitState, ok bool) {
	rl := RateLimitOf(ctx)
	if rl == nil || rl.CallerOverrideMode != nil && *rl.CallerOverrideMode == RateLimitBypass {
		return RateLimitState{}, false
	}
	s, ok = rl.LastKnownState[id]
	return s, ok
}

// ObserveRateLimit records what the current call learnt of the upstream
// rate limit id (toolkit/httpclient calls it for every answer carrying
// rate-limit headers): the fields s sets replace those recorded before.
// The newer protocol answers them in rate_limit.current_state. Outside a
// dispatched call it does nothing.
func ObserveRateLimit(ctx context.Context, id string, s RateLimitState) {
	cl := callOf(ctx)
	if cl == nil {
		return
	}
	cl.rlMu.Lock()
	defer cl.rlMu.Unlock()
	if cl.observed == nil {
		cl.observed = map[string]RateLimitState{}
	}
	old := cl.observed[id]
	merge(&old.Remaining, s.Remaining)
	merge(&old.Limit, s.Limit)
	merge(&old.Reset, s.Reset)
	merge(&old.WindowSeconds, s.WindowSeconds)
	merge(&old.CurrentDelay, s.CurrentDelay)
	merge(&old.Source, s.Source)
	cl.observed[id] = old
}

func merge[T any](dst **T, src *T) {
	if src != nil {
		v := *src
		*dst = &v
	}
}

// rateLimitAnswer is the rate_limit member of a success answer: null when
// the call observed no rate limit.
func (cl *call) rateLimitAnswer() []byte {
	cl.rlMu.Lock()
	defer cl.rlMu.Unlock()
	if len(cl.observed) == 0 {
		return []byte("null")
	}
	b, err := json.Marshal(RateLimitResponse{CurrentState: cl.observed})
	if err != nil { // cannot happen: only integers and strings
		return []byte("null")
	}
	return b
}

// appendRateLimit adds `"rate_limit":…` as the last member of the encoded
// success envelope doc (one JSON object and a newline), as the newer
// protocol answers.
func (cl *call) appendRateLimit(doc []byte) []byte {
	end := len(doc)
	for end > 0 && (doc[end-1] == '\n' || doc[end-1] == ' ') {
		end--
	}
	if end == 0 || doc[end-1] != '}' {
		return doc
	}
	out := make([]byte, 0, len(doc)+64)
	out = append(out, doc[:end-1]...)
	if end > 1 && doc[end-2] != '{' {
		out = append(out, ',')
	}
	out = append(out, `"rate_limit":`...)
	out = append(out, cl.rateLimitAnswer()...)
	out = append(out, '}')
	return append(out, doc[end:]...)
}

// parseRateLimit reads the request's rate_limit member (raw, never
// absent) strictly, as the newer protocol types it.
func parseRateLimit(raw []byte) (*RateLimitRequest, error) {
	if isNull(raw) {
		return nil, nil
	}
	p, err := planFor(rateLimitRequestType)
	if err != nil {
		return nil, err
	}
	var rl RateLimitRequest
	if problems := decodeStrict(raw, &rl, p); len(problems) > 0 {
		for i := range problems {
			problems[i].path = strings.TrimSuffix(joinPath("rate_limit", problems[i].path), ".")
		}
		return nil, badRequestf("Invalid request - %s", joinFieldErrors(problems))
	}
	if t := rl.MaxExecutionTime; t != nil && (*t < 0 || math.IsInf(*t, 0)) {
		return nil, badRequestf("Invalid request - rate_limit.max_execution_time: expected a number of seconds not below 0, got %s", strconv.FormatFloat(*t, 'g', -1, 64))
	}
	if m := rl.CallerOverrideMode; m != nil {
		switch RateLimitMode(strings.ToUpper(string(*m))) {
		case RateLimitBypass, RateLimitEnforce:
			*m = RateLimitMode(strings.ToUpper(string(*m)))
		default:
			return nil, badRequestf("Invalid request - rate_limit.caller_override_mode: expected one of BYPASS, ENFORCE, got %q", string(*m))
		}
	}
	return &rl, nil
}

// withExecutionDeadline bounds ctx by the request's max_execution_time,
// counted from start; the per-call budget's own deadline still applies
// when it is earlier. Running out is the call's budget error
// (budget_exhausted in the newer protocol).
func withExecutionDeadline(ctx context.Context, rl *RateLimitRequest, start time.Time) (context.Context, context.CancelFunc) {
	if rl == nil || rl.MaxExecutionTime == nil {
		return ctx, func() {}
	}
	secs := *rl.MaxExecutionTime
	d := time.Duration(math.Min(secs, float64(math.MaxInt64/int64(time.Second))) * float64(time.Second))
	return context.WithDeadlineCause(ctx, start.Add(d), &BudgetError{errs.New(errs.APIError,
		"Call deadline reached: the call ran for the "+strconv.FormatFloat(secs, 'g', -1, 64)+
			" s the request allows (rate_limit.max_execution_time); stopping it.")})
}
