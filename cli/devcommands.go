//go:build !lumos_runtime

package cli

// devCommands are the commands for connector developers. Builds tagged
// lumos_runtime (the on-prem bundles of compile-on-prem) leave them out, so
// a shipped connector links neither the Go source tools nor the archivers
// and starts faster.
type devCommands struct {
	Conform  conformCommand  `cmd:"" name:"conformance" help:"Run the conformance suite on a connector (info, schemas, app_info, paging, hostile requests, writes) and print a pass/fail report."`
	Scaffold scaffoldCommand `cmd:"" help:"Generate a new connector: its package under connectors/, its registration file and its tests."`
	Compile  compileCommand  `cmd:"" name:"compile-on-prem" help:"Cross-compile one connector into an on-prem bundle: <app_id>-<version>.tar.gz, or .zip for Windows."`
}
