package toolkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lumosgo/lumos/errs"
)

// rateLimitKeys are the JSON keys of RateLimitRequest and RateLimitState.
var rateLimitKeys = []string{"max_execution_time", "last_known_state", "caller_override_mode",
	"remaining", "limit", "reset", "window_seconds", "current_delay", "source"}

// hasCaseVariantKey reports whether doc holds an object key that matches
// one of rateLimitKeys only without regard to case: encoding/json would
// read it as that field, the protocol's case-sensitive keys do not.
func hasCaseVariantKey(doc []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		s, ok := tok.(string)
		if !ok {
			continue
		}
		for _, k := range rateLimitKeys {
			if s != k && strings.EqualFold(s, k) {
				return true
			}
		}
	}
}

// FuzzParseRateLimit reads any rate_limit member: a refusal is a
// bad_request naming rate_limit; what it accepts has a finite, non-negative
// max_execution_time and an upper-case mode, reads as encoding/json reads
// it (when no key differs from a field's only in case), decodes again to
// the same value once re-encoded, and gives a deadline not before the
// call's start.
func FuzzParseRateLimit(f *testing.F) {
	for _, seed := range []string{
		`null`, ` `, `{}`, `[]`, `5`, `"x"`,
		`{"max_execution_time":30}`,
		`{"max_execution_time":0.5,"caller_override_mode":"bypass"}`,
		`{"max_execution_time":-1}`,
		`{"max_execution_time":1e308}`,
		`{"max_execution_time":1e400}`,
		`{"max_execution_time":-0}`,
		`{"caller_override_mode":"Enforce"}`,
		`{"caller_override_mode":"skip"}`,
		`{"caller_override_mode":null,"max_execution_time":null,"last_known_state":null}`,
		`{"last_known_state":{"github":{"remaining":0,"limit":5000,"reset":1796263200,"window_seconds":3600,"current_delay":12,"source":"X-RateLimit"}}}`,
		`{"last_known_state":{"okta":{"remaining":"0"}}}`,
		`{"last_known_state":{"a":{"remaining":1e10}}}`,
		`{"last_known_state":{"a":{}, "a":{"limit":3}}}`,
		`{"MAX_EXECUTION_TIME":5,"max_execution_time":7}`,
		`{"max_execution_time":5,"max_execution_time":7}`,
		`{"last_known_state":{"a":{"Remaining":4}}}`,
		`{"max_execution_time":"30"}`,
		`{"max_execution_time":30`,
		`{"caller_override_mode":"\u0062ypass"}`,
		`{"caller_override_mode":"ſkip"}`,
	} {
		f.Add([]byte(seed))
	}
	start := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw []byte) {
		rl, err := parseRateLimit(raw)
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.BadRequest || !strings.Contains(e.Message, "rate_limit") {
				t.Fatalf("%q refused with %v, want a bad_request naming rate_limit", raw, err)
			}
			return
		}
		if rl == nil {
			if !isNull(raw) {
				t.Fatalf("%q accepted as no rate_limit", raw)
			}
			return
		}
		if !json.Valid(raw) {
			t.Fatalf("invalid JSON %q accepted as %+v", raw, rl)
		}
		checkRateLimitValues(t, raw, rl)
		again, err := json.Marshal(rl)
		if err != nil {
			t.Fatalf("%q accepted as a value that does not encode: %v", raw, err)
		}
		rl2, err := parseRateLimit(again)
		if err != nil || !reflect.DeepEqual(rl, rl2) {
			t.Fatalf("%q accepted as %s, re-encoded as %s, which reads back as %s, %v", raw, dump(rl), again, dump(rl2), err)
		}
		ctx, cancel := withExecutionDeadline(context.Background(), rl, start)
		defer cancel()
		if dl, ok := ctx.Deadline(); ok != (rl.MaxExecutionTime != nil) || ok && dl.Before(start) {
			t.Fatalf("%q gives the deadline %s (set: %v) for a call started at %s", raw, dl, ok, start)
		}
	})
}

// checkRateLimitValues asserts what holds of an accepted rate_limit: a
// finite non-negative max_execution_time, an upper-case mode, and, when no
// key differs from a field's only in case, encoding/json's reading.
func checkRateLimitValues(t *testing.T, raw []byte, rl *RateLimitRequest) {
	t.Helper()
	if m := rl.MaxExecutionTime; m != nil && (*m < 0 || math.IsInf(*m, 0) || math.IsNaN(*m)) {
		t.Fatalf("%q accepted with max_execution_time %v", raw, *m)
	}
	if m := rl.CallerOverrideMode; m != nil && *m != RateLimitBypass && *m != RateLimitEnforce {
		t.Fatalf("%q accepted with mode %q", raw, *m)
	}
	if hasCaseVariantKey(raw) {
		return
	}
	var std RateLimitRequest
	if err := json.Unmarshal(raw, &std); err != nil {
		t.Fatalf("%q accepted, but encoding/json refuses it: %v", raw, err)
	}
	if m := std.CallerOverrideMode; m != nil {
		*m = RateLimitMode(strings.ToUpper(string(*m)))
	}
	if !reflect.DeepEqual(*rl, std) {
		t.Fatalf("%q reads as %s; encoding/json reads %s", raw, dump(rl), dump(&std))
	}
}

// dump is v as JSON, for failure messages.
func dump(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// FuzzPageSize reads any JSON number as a page size, checked against
// math/big's exact reading: an integer value is accepted as itself, or the
// nearest int beyond int's range; any other value is refused.
func FuzzPageSize(f *testing.F) {
	for _, seed := range []string{"100", "0", "-0", "1e9", "2.0", "1.5", "1e-400", "1E+2", "0.01e2", "9223372036854775807",
		"9223372036854775808", "-9223372036854775809", "1e19", "1e2147483648", "100000000000000000000e-2", "0.000", "-1", "12.50e1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, number string) {
		var n json.Number
		if json.Unmarshal([]byte(number), &n) != nil || string(n) != number {
			return // not a JSON number as the envelope hands it over
		}
		got, ok := pageSize(number)
		if _, exp, found := strings.Cut(strings.ToLower(number), "e"); found {
			if e, err := strconv.ParseInt(exp, 10, 64); err != nil || e > 4000 || e < -4000 {
				return // too large for the exact reading below to be quick
			}
		}
		r, valid := new(big.Rat).SetString(number)
		if !valid {
			t.Fatalf("math/big cannot read the JSON number %q", number)
		}
		if !r.IsInt() {
			if ok {
				t.Fatalf("pageSize(%q) = %d, but it is no integer", number, got)
			}
			return
		}
		want := r.Num()
		switch {
		case want.Cmp(big.NewInt(math.MaxInt)) > 0:
			want = big.NewInt(math.MaxInt)
		case want.Cmp(big.NewInt(math.MinInt)) < 0:
			want = big.NewInt(math.MinInt)
		}
		if !ok || int64(got) != want.Int64() {
			t.Fatalf("pageSize(%q) = %d, %v; want %s", number, got, ok, want)
		}
	})
}
