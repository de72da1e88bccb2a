package conformance_test

import (
	"context"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// Progress sees every result as it is added, in the report's order.
func TestProgressStreamsEveryCheck(t *testing.T) {
	tests := []struct {
		name    string
		request string
		writes  bool
	}{
		{"valid credentials", basicAuth, false},
		{"writes allowed", basicAuth, true},
		{"no credentials", `{}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			var seen []conformance.Result
			r := conformance.Check(context.Background(), newConnector(t, "streamed", endless(1)), conformance.Options{
				Request: tt.request, MaxItems: 3, AllowWrites: tt.writes,
				Progress: func(res conformance.Result) { seen = append(seen, res) },
			})
			is.Equal(seen, r.Checks)
		})
	}
}

// When validate_credentials fails, the listings and writes are skipped
// (they would only fail the same way); the checks needing no valid
// credentials still run. A schema problem of its answer skips nothing.
func TestDependentChecksSkipped(t *testing.T) {
	rejecting := func(t *testing.T) *toolkit.Integration {
		in := toolkit.NewIntegration(toolkit.Declaration{AppID: "rejecting", Version: "1.0.0", Auth: toolkit.AuthBasic})
		toolkit.Handle(in, toolkit.CapValidateCredentials, func(context.Context, toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
			return toolkit.ValidateCredentialsResponse{}, errs.New(errs.Unauthorized, "no")
		})
		toolkit.Handle(in, toolkit.CapListAccounts, endless(1))
		return in
	}
	invalid := func(t *testing.T) *toolkit.Integration {
		in := toolkit.NewIntegration(toolkit.Declaration{AppID: "invalid", Version: "1.0.0", Auth: toolkit.AuthBasic})
		toolkit.Handle(in, toolkit.CapValidateCredentials, func(context.Context, toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
			return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: false, UniqueTenantID: "t"}}, nil
		})
		toolkit.Handle(in, toolkit.CapListAccounts, endless(1))
		return in
	}
	tests := []struct {
		name    string
		in      func(*testing.T) *toolkit.Integration
		opts    conformance.Options
		skipped bool
	}{
		{"an error envelope", rejecting, conformance.Options{Request: basicAuth}, true},
		{"valid: false", invalid, conformance.Options{Request: basicAuth}, true},
		{"a missing credential", func(t *testing.T) *toolkit.Integration { return newConnector(t, "bare", endless(1)) }, conformance.Options{Request: `{}`}, true},
		{"an answer off the schema", func(t *testing.T) *toolkit.Integration { return newConnector(t, "off", endless(1)) },
			conformance.Options{Request: basicAuth, CompileSchema: rejectAll, MaxPages: 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			opts := tt.opts
			opts.MaxItems = 3
			r := conformance.Check(context.Background(), tt.in(t), opts)
			is.Equal(result(t, r, "validate_credentials").Status, conformance.Fail)
			for _, name := range []string{"list_accounts: drain", "list_accounts: tampered token"} {
				res := result(t, r, name)
				if tt.skipped {
					is.Equal(res.Status, conformance.Skip)
					is.Equal(res.Summary, "not run: validate_credentials failed")
				} else {
					is.True(res.Summary != "not run: validate_credentials failed")
				}
			}
			is.True(result(t, r, "hostile envelopes").Status != conformance.Skip) // needs no valid credentials
		})
	}
}
