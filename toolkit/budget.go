package toolkit

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lumosgo/lumos/errs"
)

// The default budget of one capability call, and the environment variables
// that override it (a positive integer, a positive Go duration for the
// wall time; anything else is ignored).
const (
	DefaultMaxUpstreamRequests = 2000                          // upstream requests per call, every attempt counted
	DefaultMaxUpstreamBytes    = 256 << 20                     // bytes of upstream bodies read per call, summed
	DefaultMaxCallDuration     = 10 * time.Minute              // wall time of one call
	MaxSameGET                 = 3                             // times one GET URL may be requested in one call (retries not counted)
	EnvMaxUpstreamRequests     = "LUMOS_MAX_UPSTREAM_REQUESTS" // overrides Budget.MaxRequests
	EnvMaxUpstreamBytes        = "LUMOS_MAX_UPSTREAM_BYTES"    // overrides Budget.MaxBytes
	EnvMaxCallDuration         = "LUMOS_MAX_CALL_DURATION"     // overrides Budget.MaxDuration, e.g. "2m"
)

// Budget bounds what one capability call may spend upstream. A connector
// sets its own in Declaration.Budget; a zero field takes the default, and
// the environment variables above override both.
type Budget struct {
	// MaxRequests bounds the upstream requests of one call; every attempt
	// counts (retries and redirects included). Default 2,000.
	MaxRequests int
	// MaxBytes bounds the sum of the upstream bodies read in one call.
	// Default 256 MiB.
	MaxBytes int64
	// MaxDuration bounds the wall time of one call: the call's context gets
	// that deadline. Default 10 minutes.
	MaxDuration time.Duration
}

// resolved applies the defaults and the environment.
func (b Budget) resolved() Budget {
	if b.MaxRequests <= 0 {
		b.MaxRequests = DefaultMaxUpstreamRequests
	}
	if b.MaxBytes <= 0 {
		b.MaxBytes = DefaultMaxUpstreamBytes
	}
	if b.MaxDuration <= 0 {
		b.MaxDuration = DefaultMaxCallDuration
	}
	if n, err := strconv.Atoi(os.Getenv(EnvMaxUpstreamRequests)); err == nil && n > 0 {
		b.MaxRequests = n
	}
	if n, err := strconv.ParseInt(os.Getenv(EnvMaxUpstreamBytes), 10, 64); err == nil && n > 0 {
		b.MaxBytes = n
	}
	if d, err := time.ParseDuration(os.Getenv(EnvMaxCallDuration)); err == nil && d > 0 {
		b.MaxDuration = d
	}
	return b
}

// Spending is what one call has spent of its budget. The HTTP client
// charges it on every attempt and every body read; it is safe for
// concurrent use.
type Spending struct {
	limits   Budget
	requests atomic.Int64
	bytes    atomic.Int64

	mu   sync.Mutex
	gets map[string]int
}

// NewSpending returns a fresh account of budget b (zero fields take the
// defaults, the environment overrides). It does not set any deadline; use
// WithBudget for a call.
func NewSpending(b Budget) *Spending {
	return &Spending{limits: b.resolved()}
}

// Limits returns the budget in force, defaults and environment applied.
func (s *Spending) Limits() Budget { return s.limits }

// Request charges one upstream request (one attempt). Past the budget it
// returns an *errs.Error of code api_error naming the limit.
func (s *Spending) Request() error {
	if n := s.requests.Add(1); n > int64(s.limits.MaxRequests) {
		return overBudget("Call budget exceeded: the call reached its limit of %d upstream requests (%s or the connector's Budget.MaxRequests); stopping it.",
			s.limits.MaxRequests, EnvMaxUpstreamRequests)
	}
	return nil
}

// Read charges n bytes of upstream body. Past the budget it returns an
// *errs.Error of code api_error naming the limit.
func (s *Spending) Read(n int) error {
	if total := s.bytes.Add(int64(n)); total > s.limits.MaxBytes {
		return overBudget("Call budget exceeded: the call read more than its limit of %d bytes of upstream answers (%s or the connector's Budget.MaxBytes); stopping it.",
			s.limits.MaxBytes, EnvMaxUpstreamBytes)
	}
	return nil
}

// Get notes a GET of url (a whole request, not one attempt); shown is the
// URL as the error may quote it (secret query values masked). Requesting
// the same URL more than MaxSameGET times in one call is a loop: it returns
// an *errs.Error of code api_error naming it.
func (s *Spending) Get(url, shown string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gets == nil {
		s.gets = map[string]int{}
	}
	s.gets[url]++
	if s.gets[url] > MaxSameGET {
		return overBudget("Request loop: the call already fetched %s %d times (the most one call may); the API keeps sending it back to the same URL. Stopping instead of fetching forever.",
			shown, MaxSameGET)
	}
	return nil
}

// BudgetError is the error of a call that went past its budget or looped:
// the pipeline answers with it (code api_error) rather than with whatever
// error the deadline caused.
type BudgetError struct{ err *errs.Error }

func overBudget(format string, args ...any) *BudgetError {
	return &BudgetError{errs.Newf(errs.APIError, format, args...)}
}

// Error returns the message of the envelope.
func (e *BudgetError) Error() string { return e.err.Message }

// Unwrap gives the *errs.Error the envelope is made from.
func (e *BudgetError) Unwrap() error { return e.err }

type spendingKey struct{}

// WithBudget returns ctx carrying a fresh Spending of b and a deadline of
// b's wall time (an earlier deadline of ctx stays), and the function that
// releases it. The pipeline calls it for every dispatched call with the
// connector's Declaration.Budget; a deadline set this way is reported as
// the budget's api_error.
func WithBudget(ctx context.Context, b Budget) (context.Context, context.CancelFunc) {
	s := NewSpending(b)
	ctx = context.WithValue(ctx, spendingKey{}, s)
	d := s.limits.MaxDuration
	// Built without fmt: this runs on every call, and fmt's first use costs start-up.
	return context.WithTimeoutCause(ctx, d, &BudgetError{errs.New(errs.APIError,
		"Call budget exceeded: the call ran for its limit of "+d.String()+" ("+EnvMaxCallDuration+" or the connector's Budget.MaxDuration); stopping it.")})
}

// SpendingOf returns the Spending of the call ctx belongs to, or nil
// outside a dispatched call.
func SpendingOf(ctx context.Context) *Spending {
	s, _ := ctx.Value(spendingKey{}).(*Spending)
	return s
}

// budgetCause replaces an error caused by the budget's deadline with the
// budget's own error.
func budgetCause(ctx context.Context, err error) error {
	var be *BudgetError
	if errors.Is(err, context.DeadlineExceeded) && !errors.As(err, &be) && errors.As(context.Cause(ctx), &be) {
		return be
	}
	return err
}
