//go:build !lumos_runtime

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// conformCommand runs the conformance suite on one registered
// connector and prints its report: `lumos conformance <connector> --json
// '{"auth":...,"settings":...}'`. It exits 0 when every check passes (or is
// skipped), 1 when one fails, 2 on a usage mistake such as an unknown
// connector.
//
// Schemas and app_info get the suite's built-in structural checks here
// (conformance.StructuralSchema, conformance.StructuralOpenAPIProblems);
// the full JSON Schema and kin-openapi validations run in Go tests
// (connectortest.Conformance), so the binary links neither library.
type conformCommand struct {
	Connector       string        `arg:"" name:"connector" help:"The connector's app id, e.g. mock."`
	JSON            *string       `name:"json" placeholder:"JSON" help:"What every call carries: auth (or credentials) and settings, e.g. {\"auth\":{...},\"settings\":{...}}."`
	JSONFile        *string       `name:"json-file" placeholder:"PATH" help:"Read the auth and settings from a file; - reads standard input."`
	AllowWrites     bool          `name:"allow-writes" help:"Also call assign_entitlement and unassign_entitlement: assign an entitlement an account lacks twice, then unassign it twice (the tenant ends as it began)."`
	StatelessWrites bool          `name:"stateless-writes" help:"With --allow-writes, for connectors whose writes do not persist (like mock): assign a held entitlement twice and unassign a missing one twice instead."`
	PageSize        int           `name:"page-size" default:"50" help:"page.size of the listings."`
	MaxItems        int           `name:"max-items" default:"10000" help:"Read at most this many items from each listing."`
	MaxPages        int           `name:"max-pages" default:"1000" help:"Read at most this many pages from each listing."`
	Timeout         time.Duration `name:"timeout" default:"5m" help:"Time budget of the whole run; checks left when it is spent are reported as skipped."`
	CallTimeout     time.Duration `name:"call-timeout" default:"2m" help:"Longest wait for one capability call."`
	Skip            []string      `name:"skip" placeholder:"CHECK" help:"Do not run a check: a check name, a capability name or writes (repeatable)."`
	Format          string        `name:"format" enum:"text,json" default:"text" help:"Report format: text or json."`
	Trace           bool          `name:"trace" env:"LUMOS_TRACE" help:"Print one line per upstream HTTP request on standard error."`
	Logs            bool          `name:"logs" help:"Keep the connector's logs as LUMOS_LOG_* configure them; by default they are dropped, as the suite provokes errors on purpose."`
}

// Run runs the suite and prints the report on stdout.
func (c *conformCommand) Run(ctx context.Context, s *Streams) error {
	in, ok := toolkit.Lookup(c.Connector)
	if !ok {
		var names []string
		for _, in := range toolkit.Integrations() {
			names = append(names, in.AppID())
		}
		return usageError{fmt.Sprintf("unknown connector %q; the connectors are: %s", c.Connector, strings.Join(names, ", "))}
	}
	var body []byte
	switch {
	case c.JSON != nil && c.JSONFile != nil:
		return usageError{"--json and --json-file can't be used together"}
	case c.JSON != nil:
		body = []byte(*c.JSON)
	case c.JSONFile != nil:
		var err error
		if body, err = readRequestFile(unquote(*c.JSONFile), s.Stdin); err != nil {
			return err
		}
	default:
		return usageError{`one of --json or --json-file is required: the auth and settings of the calls, e.g. {"auth":{...},"settings":{...}}`}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return usageError{"the auth and settings must be a JSON object: " + argSecrets([]string{string(body)}).String(fmt.Sprint(err))}
	}
	opts := conformance.Options{
		Request: json.RawMessage(body), AllowWrites: c.AllowWrites, StatelessWrites: c.StatelessWrites,
		PageSize: c.PageSize, MaxItems: c.MaxItems, MaxPages: c.MaxPages, Timeout: c.Timeout, CallTimeout: c.CallTimeout,
		Skip: c.Skip,
	}
	if c.Trace {
		opts.Trace = s.Stderr
	}
	if c.Logs {
		opts.Logger = toolkit.Logger(ctx)
	}
	var werr error // the first failed write of a streamed line
	if c.Format != "json" {
		// The text report streams: the heading now, a line per check as it
		// ends, the limits and verdict at the end.
		width := checkNameWidth(in)
		_, werr = io.WriteString(s.Stdout, conformance.Report{AppID: in.AppID(), Version: in.Version()}.Heading())
		opts.Progress = func(r conformance.Result) {
			if werr == nil {
				_, werr = io.WriteString(s.Stdout, r.Line(width))
			}
		}
	}
	defer s.answer.beginCall()() // a signal cancels ctx; the report then says how far the checks got
	report := conformance.Check(ctx, in, opts)
	var err error
	if c.Format == "json" {
		var out []byte
		if out, err = json.Marshal(report); err == nil {
			_, err = s.Stdout.Write(append(out, '\n'))
		}
	} else if err = werr; err == nil {
		_, err = io.WriteString(s.Stdout, report.Summary())
	}
	if err != nil {
		return err
	}
	if ierr := interruption(ctx); ierr != nil {
		return ierr
	}
	if !report.OK() {
		return exitError{code: ExitFatal, err: errors.New("conformance: " + failedNames(report))}
	}
	return nil
}

// checkNameWidth is the width check names are padded to in a streamed
// report, known before the checks run: the longest of the fixed names and
// of "<capability>: tampered token".
func checkNameWidth(in *toolkit.Integration) int {
	width := len("writes: unassign_entitlement twice")
	for _, c := range in.Capabilities() {
		width = max(width, len(c)+len(": tampered token"))
	}
	return width
}

// failedNames says which checks failed, for stderr.
func failedNames(r conformance.Report) string {
	var names []string
	for _, f := range r.Failures() {
		names = append(names, f.Name)
	}
	return fmt.Sprintf("%d of %d checks failed: %s", r.Failed, len(r.Checks), strings.Join(names, "; "))
}
