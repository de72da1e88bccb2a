// Package conformance is the connector conformance suite as a library: Check
// runs every check on one integration and returns a structured Report, which
// the `lumos conformance` command prints and package connectortest turns into
// Go test failures (connectortest.Conformance). rclone's fstests is the model:
// one suite, run against every connector, live or fake.
//
// The checks, in the order they run (Report.Checks keeps it):
//
//   - info: the `info` document builds, its capabilities are the registered
//     ones, and every JSON Schema in it (each capability's argument and
//     output, auth or credentials, settings) compiles.
//   - schemas: every registered capability's request and response JSON
//     Schemas (Integration.JSONSchema) compile; the response schemas then
//     validate every answer the suite gets.
//   - app_info: app_info answers with an OpenAPI 3 document of the connector
//     with one POST /<capability> per capability. Without
//     Options.ValidateOpenAPI the document gets a structural check (OpenAPI
//     version, info, paths, operations, every local $ref resolving);
//     connectortest sets a full kin-openapi validation, kept out of this
//     package so the lumos binary does not link kin-openapi.
//   - validate_credentials: the credentials and settings are valid. When
//     it answers an error or valid: false, the checks that depend on them (the listings and the
//     writes) are reported as skipped rather than run.
//   - "<capability>: drain", for every read capability whose result is a list
//     and whose payload has no required field: the listing is paged to its end
//     (bounded by MaxItems, MaxPages and the time budget, reported when hit);
//     every page is a success matching the capability's response schema, no
//     page token comes back twice, and no item id repeats. Ids follow the
//     item model's x-unique-hash: integration_specific_id for accounts and
//     resources, (integration_specific_id, integration_specific_resource_id)
//     for entitlements, all three fields of an association, id for others.
//   - "<capability>: tampered token": a page token the listing issued, changed
//     (one character, truncated, extended) or replaced by garbage, is answered
//     with invalid_page_token.
//   - "<capability>: smaller pages": resumed from a token it issued with a
//     page.size a third as large, the listing answers pages with at least
//     one item each unless it is the last, repeating no item already
//     returned.
//   - hostile envelopes: malformed JSON, wrong types, a missing request, a
//     missing credential, an oversized token and an unknown capability come
//     back as well-formed error envelopes with the right error codes.
//   - writes (only with AllowWrites): assign_entitlement twice, the second
//     answer being a noop, and unassign_entitlement twice, likewise, on an
//     account and an entitlement picked from the listings. See Options.
//   - secrets: no secret of Options.Request (values of 6 characters or more
//     under secret keys) appears in any answer.
//
// How schemas are compiled and answers validated is Options.CompileSchema:
// connectortest plugs in a full draft 2020-12 implementation
// (santhosh-tekuri/jsonschema); without it the suite uses StructuralSchema,
// a lighter built-in check, so that this package links no JSON Schema or
// OpenAPI library (the lumos binary imports it for `lumos conformance`).
//
// The suite is bounded: at most Options.MaxItems items and MaxPages pages
// per listing, Options.Timeout for the whole run, CallTimeout per call;
// each bound reached is reported, never silently.
package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/redact"
)

// Defaults of the Options bounds.
const (
	DefaultPageSize    = 50
	DefaultMaxItems    = 10_000
	DefaultMaxPages    = 1_000
	DefaultTimeout     = 5 * time.Minute
	DefaultCallTimeout = 2 * time.Minute
)

// Options configure a conformance run.
type Options struct {
	// Request holds what every call carries: "auth" (or "credentials") and
	// "settings", e.g. {"auth":{"basic":{...}},"settings":{"host":"h"}}. It is
	// a JSON document (string, []byte or json.RawMessage) or a Go value
	// marshalled to one. Its "request" and "page" keys, if any, are ignored:
	// the suite sets its own.
	Request any

	// AllowWrites lets the suite call assign_entitlement and
	// unassign_entitlement. By default it makes a round trip on an account
	// and an entitlement of a type without a maximum that the account does
	// not hold: assign, assign again (must be a noop), unassign, unassign
	// again (must be a noop), which leaves the tenant as it was when every
	// call succeeds.
	AllowWrites bool
	// StatelessWrites is for connectors whose writes do not persist, such as
	// the mock: instead of the round trip, the suite assigns twice an
	// entitlement the account holds and unassigns twice one it does not
	// hold; each second answer must be a noop. Nothing is changed.
	StatelessWrites bool

	// PageSize is the page.size of the listings; default DefaultPageSize.
	PageSize int
	// MaxItems bounds the items drained from one listing; default
	// DefaultMaxItems. Reaching it ends the listing's check (reported, not failed).
	MaxItems int
	// MaxPages bounds the pages fetched from one listing; default DefaultMaxPages.
	MaxPages int
	// Timeout is the time budget of the whole run; default DefaultTimeout.
	// Once spent, listings stop where they are and later checks are skipped,
	// all of it reported.
	Timeout time.Duration
	// CallTimeout bounds one capability call; default DefaultCallTimeout. A
	// handler that ignores its context is abandoned after it.
	CallTimeout time.Duration

	// CompileSchema, when set, compiles the JSON Schemas the suite checks
	// and validates answers with; connectortest sets a full draft 2020-12
	// implementation. Without it the suite uses StructuralSchema.
	CompileSchema SchemaCompiler

	// ValidateOpenAPI, when set, validates the app_info document fully (it
	// gets the document as JSON); connectortest sets it to kin-openapi's
	// validation. Without it the document gets a structural check.
	ValidateOpenAPI func(ctx context.Context, doc []byte) error

	// Skip names checks not to run: a check name ("hostile envelopes"), a
	// capability name (all its checks), or "writes".
	Skip []string

	// Logger receives the connector's log records; nil discards them (the
	// suite provokes errors on purpose, which would fill the logs).
	Logger *slog.Logger
	// Trace, when set, receives one line per upstream HTTP request (as --trace).
	Trace io.Writer

	// Progress, when set, is called with each check's result as soon as it
	// is known, in the order of Report.Checks (the command line prints a
	// line per check as the run goes).
	Progress func(Result)
}

// withDefaults fills in the zero bounds.
func (o Options) withDefaults() Options {
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.MaxItems <= 0 {
		o.MaxItems = DefaultMaxItems
	}
	if o.MaxPages <= 0 {
		o.MaxPages = DefaultMaxPages
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	return o
}

// Check runs the conformance suite on in and returns its report; it never
// panics on a misbehaving connector (a check that panics fails). ctx bounds
// the run as well as Options.Timeout.
func Check(ctx context.Context, in *toolkit.Integration, opts Options) Report {
	opts = opts.withDefaults()
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ctx = toolkit.WithLogger(ctx, logger)
	if opts.Trace != nil {
		ctx = toolkit.WithTrace(ctx, opts.Trace)
	}
	r := &runner{
		ctx:      ctx,
		in:       in,
		opts:     opts,
		listings: map[toolkit.CapabilityName]*listing{},
		report: Report{
			AppID: in.AppID(), Version: in.Version(),
			Limits: Limits{PageSize: opts.PageSize, MaxItems: opts.MaxItems, MaxPages: opts.MaxPages, TimeBudget: Duration(opts.Timeout)},
		},
	}
	if err := r.parseRequest(); err != nil {
		r.add(Result{Name: "request", Status: Fail, Summary: err.Error()})
	} else {
		r.run()
	}
	r.report.Duration = Duration(time.Since(start))
	r.report.count()
	return r.report
}

// runner is the state of one run.
type runner struct {
	ctx  context.Context
	in   *toolkit.Integration
	opts Options

	base    map[string]any // Options.Request without request and page
	secrets redact.Secrets // secrets of Options.Request
	leaks   []string       // answers that carried a secret
	answers int            // answers checked for secrets

	interrupted bool // a call of the current check was cut short by the time budget

	credentialsFailed bool // validate_credentials answered an error or valid: false; the checks needing the credentials are skipped

	schemas  *responseSchemas
	listings map[toolkit.CapabilityName]*listing

	report Report
}

// parseRequest decodes Options.Request into base and collects its secrets.
func (r *runner) parseRequest() error {
	var raw []byte
	switch v := r.opts.Request.(type) {
	case nil:
		raw = []byte("{}")
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	case json.RawMessage:
		raw = v
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("Options.Request cannot be encoded as JSON: %v", err)
		}
		raw = b
	}
	if strings.TrimSpace(string(raw)) == "" {
		raw = []byte("{}")
	}
	base, err := decodeObject(raw)
	if err != nil {
		return fmt.Errorf("the request (auth and settings) is not a JSON object: %v", err)
	}
	delete(base, "request")
	delete(base, "page")
	r.base = base
	var generic any
	if json.Unmarshal(raw, &generic) == nil {
		redact.Collect(generic, redact.NewKeys(), &r.secrets)
	}
	return nil
}

// run runs the checks in order.
func (r *runner) run() {
	r.step("info", "", r.checkInfo)
	r.step("schemas", "", r.checkSchemas)
	r.step("app_info", toolkit.CapAppInfo.Name(), r.checkAppInfo)
	if r.has(toolkit.CapValidateCredentials.Name()) {
		r.step("validate_credentials", toolkit.CapValidateCredentials.Name(), r.checkValidateCredentials)
	} else {
		r.add(Result{Name: "validate_credentials", Status: Skip, Summary: "the connector does not register validate_credentials"})
	}
	for _, ci := range r.listCapabilities() {
		r.step(string(ci.Name)+": drain", ci.Name, func() Result { return r.checkDrain(ci) })
		r.step(string(ci.Name)+": tampered token", ci.Name, func() Result { return r.checkTamperedToken(ci) })
		r.step(string(ci.Name)+": smaller pages", ci.Name, func() Result { return r.checkSmallerPages(ci) })
	}
	r.step("hostile envelopes", "", r.checkHostile)
	r.writeChecks()
	r.step("secrets", "", r.checkSecrets)
}

// step runs one check unless it is skipped or the budget is spent; a
// panicking check fails.
func (r *runner) step(name string, capability toolkit.CapabilityName, check func() Result) {
	if r.skipped(name, capability) {
		r.add(Result{Name: name, Status: Skip, Summary: "skipped by Options.Skip"})
		return
	}
	if r.spent() {
		r.report.BudgetSpent = true
		r.add(Result{Name: name, Status: Skip, Summary: "not run: " + r.budgetText()})
		return
	}
	if r.credentialsFailed && needsCredentials(name) {
		r.add(Result{Name: name, Status: Skip, Summary: skippedForCredentials})
		return
	}
	start := time.Now()
	r.interrupted = false
	res := func() (res Result) {
		defer func() {
			if p := recover(); p != nil {
				res = Result{Status: Fail, Summary: fmt.Sprintf("the check panicked: %v", p)}
			}
		}()
		return check()
	}()
	if res.Status == Fail && r.interrupted {
		// Cut short by the budget: what failed says nothing about the connector.
		r.report.BudgetSpent = true
		res = Result{Status: Skip, Summary: "interrupted: " + r.budgetText(), Notes: append(res.Problems, res.Notes...)}
	}
	res.Name = name
	res.Duration = Duration(time.Since(start))
	r.add(res)
}

func (r *runner) add(res Result) {
	r.report.Checks = append(r.report.Checks, res)
	if r.opts.Progress != nil {
		r.opts.Progress(res)
	}
}

// skippedForCredentials is the summary of a check skipped because
// validate_credentials failed.
const skippedForCredentials = "not run: validate_credentials failed"

// needsCredentials reports whether a check calls the connector with the
// request's credentials and expects them to work: the listings and the
// writes. (The hostile envelopes and the secrets check do not.)
func needsCredentials(name string) bool {
	return strings.HasSuffix(name, ": drain") || strings.HasSuffix(name, ": tampered token") || strings.HasPrefix(name, "writes:")
}

// skipped reports whether Options.Skip names the check or its capability.
func (r *runner) skipped(name string, capability toolkit.CapabilityName) bool {
	for _, s := range r.opts.Skip {
		if s == name || (capability != "" && s == string(capability)) || (s == "writes" && strings.HasPrefix(name, "writes:")) {
			return true
		}
	}
	return false
}

// spent reports whether the time budget (or ctx) is over.
func (r *runner) spent() bool { return r.ctx.Err() != nil }

func (r *runner) budgetText() string {
	if r.ctx.Err() == context.DeadlineExceeded {
		return fmt.Sprintf("the time budget of %s is spent", r.opts.Timeout)
	}
	return "the run was cancelled"
}

func (r *runner) has(name toolkit.CapabilityName) bool {
	for _, n := range r.in.Capabilities() {
		if n == name {
			return true
		}
	}
	return false
}
