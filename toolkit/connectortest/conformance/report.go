package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Status is the outcome of one check.
type Status string

// The outcomes of a check.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip" // not applicable, not allowed (writes), skipped by Options.Skip, or out of time
)

// Result is the outcome of one check.
type Result struct {
	// Name identifies the check: "info", "schemas", "app_info",
	// "validate_credentials", "<capability>: drain", "<capability>: tampered
	// token", "hostile envelopes", "writes: assign_entitlement twice",
	// "writes: unassign_entitlement twice", "secrets".
	Name   string `json:"name"`
	Status Status `json:"status"`
	// Summary is one line: what was checked and found, or why it was skipped.
	Summary string `json:"summary"`
	// Problems lists each failure, one line each.
	Problems []string `json:"problems,omitempty"`
	// Notes are facts worth knowing that are not failures, e.g. a bound reached.
	Notes    []string `json:"notes,omitempty"`
	Duration Duration `json:"duration"`
}

// Limits are the bounds a run used.
type Limits struct {
	PageSize   int      `json:"page_size"`
	MaxItems   int      `json:"max_items"`
	MaxPages   int      `json:"max_pages"`
	TimeBudget Duration `json:"time_budget"`
}

// Report is the outcome of a conformance run.
type Report struct {
	AppID   string   `json:"app_id"`
	Version string   `json:"version"`
	Checks  []Result `json:"checks"`
	Passed  int      `json:"passed"`
	Failed  int      `json:"failed"`
	Skipped int      `json:"skipped"`
	Limits  Limits   `json:"limits"`
	// BudgetSpent is set when the time budget ran out before every check ran.
	BudgetSpent bool     `json:"budget_spent"`
	Duration    Duration `json:"duration"`
}

// OK reports whether no check failed.
func (r Report) OK() bool { return r.Failed == 0 }

// Result returns the check of that name.
func (r Report) Result(name string) (Result, bool) {
	for _, c := range r.Checks {
		if c.Name == name {
			return c, true
		}
	}
	return Result{}, false
}

// Failures returns the failed checks.
func (r Report) Failures() []Result {
	var out []Result
	for _, c := range r.Checks {
		if c.Status == Fail {
			out = append(out, c)
		}
	}
	return out
}

func (r *Report) count() {
	r.Passed, r.Failed, r.Skipped = 0, 0, 0
	for _, c := range r.Checks {
		switch c.Status {
		case Pass:
			r.Passed++
		case Fail:
			r.Failed++
		default:
			r.Skipped++
		}
	}
}

// WriteText writes the report for people: a heading, one line per check
// (status, name, summary) with its problems and notes indented under it,
// the limits and a summary line.
func (r Report) WriteText(w io.Writer) error {
	var b strings.Builder
	b.WriteString(r.Heading())
	width := 0
	for _, c := range r.Checks {
		width = max(width, len(c.Name))
	}
	for _, c := range r.Checks {
		b.WriteString(c.Line(width))
	}
	b.WriteString(r.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// Heading is the report's first lines: the connector and its version.
func (r Report) Heading() string {
	return fmt.Sprintf("Conformance of %s %s\n\n", r.AppID, r.Version)
}

// Line is one check as the text report shows it: status, name padded to
// width, summary, then its problems and notes indented under it.
func (c Result) Line(width int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %-*s  %s\n", strings.ToUpper(string(c.Status)), width, c.Name, c.Summary)
	for _, p := range c.Problems {
		fmt.Fprintf(&b, "      - %s\n", indentLines(p, "        "))
	}
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "      note: %s\n", indentLines(n, "        "))
	}
	return b.String()
}

// Summary is the end of the text report: the limits and the verdict.
func (r Report) Summary() string {
	var b strings.Builder
	l := r.Limits
	fmt.Fprintf(&b, "\nLimits: page size %d; at most %d items and %d pages per listing; time budget %s",
		l.PageSize, l.MaxItems, l.MaxPages, l.TimeBudget)
	if r.BudgetSpent {
		b.WriteString(" (spent: some checks did not run)")
	}
	b.WriteString("\n")
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "%s: %d checks, %d passed, %d failed, %d skipped in %s\n",
		verdict, len(r.Checks), r.Passed, r.Failed, r.Skipped, r.Duration)
	return b.String()
}

// Text is the report as WriteText writes it.
func (r Report) Text() string {
	var b strings.Builder
	_ = r.WriteText(&b) // a strings.Builder never fails
	return b.String()
}

func indentLines(s, indent string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+indent)
}

// Duration is a time.Duration written as Go writes durations ("1.25s"),
// rounded to the millisecond, in text and JSON.
type Duration time.Duration

func (d Duration) String() string {
	t := time.Duration(d)
	if t >= time.Millisecond {
		t = t.Round(time.Millisecond)
	}
	return t.String()
}

// MarshalJSON writes the duration as a string such as "1.25s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads what MarshalJSON writes.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(t)
	return nil
}
