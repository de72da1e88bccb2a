// Package cli is the lumos command line: `lumos connectors ...`,
// `lumos <connector> <capability> --json '...'`, and the busybox form in
// which the binary, invoked as <app_id> or <app_id>-connector, behaves as
// that connector's own command line, as a Python connector's does.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/kong"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/redact"
)

// Exit codes, as upstream: handled capability errors are a success (their
// envelope is on stdout).
const (
	ExitOK    = 0 // success, or a capability error written as an envelope
	ExitFatal = 1 // the command could not run (bad result file name, unreadable input, no command)
	ExitUsage = 2 // unknown connector, capability or flag; missing or conflicting --json flags
)

// Streams are the process's standard streams, bound into every command.
type Streams struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// exitRequest is how kong's Exit (after --help or --version) unwinds Run.
type exitRequest struct{ code int }

// usageError is a command-line mistake: it exits 2 with usage on stderr.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Run runs the lumos command line with args (args[0] is the program name as
// invoked) and returns the process exit code. Nothing else writes to the
// real standard streams, so the whole CLI can be tested in-process.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	streams := &Streams{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	argv0 := ""
	if len(args) > 0 {
		argv0, args = args[0], args[1:]
	}
	prog, connector := resolveProgram(argv0)
	grammar, opts := rootGrammar(prog, args)
	if connector != nil {
		grammar, opts = connectorGrammar(connector, true, selected(connector, args)), []kong.Option{
			kong.Name(prog),
			kong.Description(escapeHelp(connectorHelp(connector))),
			kong.Vars{"version": connector.AppID() + " " + connector.Version() + " (lumos " + Version() + ")"},
			kong.ExplicitGroups(groups),
		}
	}
	logName := "lumos"
	if connector != nil {
		logName = connector.AppID()
	} else if len(args) > 0 && isConnector(args[0]) {
		logName = args[0]
	}
	logger, logs, err := newLogger(os.Getenv, logName, stderr, time.Now)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", prog, err)
		return ExitFatal
	}
	defer logs.Close()
	if cmd := fastCapability(connector, args); cmd != nil {
		// The common call, `<connector> <capability> --json '...'`, skips
		// building the command-line grammar: it is most of a call's start-up.
		return finish(prog, cmd.Run(toolkit.WithLogger(context.Background(), logger), streams), stderr, nil)
	}
	opts = append(opts,
		kong.Writers(stderr, stderr), // help and usage go to stderr; stdout carries only results
		kong.Exit(func(code int) { panic(exitRequest{code}) }),
		kong.Bind(streams),
		kong.BindTo(toolkit.WithLogger(context.Background(), logger), (*context.Context)(nil)),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, NoExpandSubcommands: true}),
	)
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(exitRequest)
			if !ok {
				panic(r)
			}
			code = e.code
		}
	}()
	parser, err := kong.New(grammar, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "%s: internal error building the command line: %v\n", prog, err)
		return ExitFatal
	}
	if len(args) == 0 || (connector == nil && len(args) == 1 && isConnector(args[0])) {
		// As upstream: naming no command is a fatal error, not a usage error.
		fmt.Fprintln(stderr, "No command passed in")
		if tctx, err := kong.Trace(parser, args); err == nil {
			_ = tctx.PrintUsage(false)
		}
		return ExitFatal
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		// A mistyped command line may hold a request document; its secrets
		// must not reach the terminal.
		fmt.Fprintf(stderr, "%s: error: %s\n", prog, argSecrets(args).String(err.Error()))
		var pe *kong.ParseError
		if errors.As(err, &pe) && pe.Context != nil {
			_ = pe.Context.PrintUsage(true)
		}
		return ExitUsage
	}
	return finish(prog, kctx.Run(), stderr, kctx)
}

// finish turns a command's error into the exit code, explaining it on stderr.
func finish(prog string, err error, stderr io.Writer, kctx *kong.Context) int {
	if err == nil {
		return ExitOK
	}
	var ue usageError
	var ee exitError
	switch {
	case errors.As(err, &ee):
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s: error: %v\n", prog, err)
		if kctx != nil {
			_ = kctx.PrintUsage(true)
		}
		return ExitUsage
	}
	fmt.Fprintf(stderr, "%s: error: %v\n", prog, err)
	return ExitFatal
}

// fastCapability recognises the plain capability call, exactly
// `[<connector>] <capability> --json JSON` or `--json-file PATH` with no
// other flag, and returns its command; anything else (help, other flags,
// mistakes) returns nil and goes through the full command line, so what a
// user sees is the same either way.
func fastCapability(connector *toolkit.Integration, args []string) *capabilityCommand {
	if connector == nil {
		if len(args) == 0 {
			return nil
		}
		in, ok := toolkit.Lookup(args[0])
		if !ok {
			return nil
		}
		connector, args = in, args[1:]
	}
	if len(args) < 2 || os.Getenv("LUMOS_TRACE") != "" {
		return nil
	}
	name := toolkit.CapabilityName(args[0])
	if name == toolkit.CapInfo.Name() || !slices.Contains(connector.Capabilities(), name) {
		return nil
	}
	flag, value, inline := strings.Cut(args[1], "=")
	switch {
	case inline && len(args) == 2:
	case !inline && len(args) == 3:
		value = args[2]
	default:
		return nil
	}
	cmd := &capabilityCommand{integration: connector, name: name}
	switch {
	case flag == "--json" && !strings.HasPrefix(value, "-"):
		cmd.JSON = &value
	case flag == "--json-file" && (value == "-" || !strings.HasPrefix(value, "-")):
		cmd.JSONFile = &value
	default:
		return nil
	}
	return cmd
}

func isConnector(name string) bool {
	_, ok := toolkit.Lookup(name)
	return ok
}

// selected returns the capability args name first, if it is one of in's
// (or info). Building only that command keeps start-up cheap; any other
// arguments (help, mistakes) get the whole tree, so what a user sees is the same.
func selected(in *toolkit.Integration, args []string) toolkit.CapabilityName {
	if len(args) == 0 {
		return ""
	}
	name := toolkit.CapabilityName(args[0])
	if name == toolkit.CapInfo.Name() || slices.Contains(in.Capabilities(), name) {
		return name
	}
	return ""
}

// rootGrammar is the `lumos` command tree: its own commands plus one
// command per registered connector. When args run one connector's
// capability, only that connector and capability are built.
func rootGrammar(prog string, args []string) (any, []kong.Option) {
	opts := []kong.Option{
		kong.Name(prog),
		kong.Description("lumos runs identity-and-access connectors that speak the Lumos connector protocol."),
		kong.Vars{"version": "lumos " + Version()},
		kong.ExplicitGroups(groups),
	}
	// Building every connector's commands is the costly part of start-up,
	// so only what the arguments can reach is built: one connector (and one
	// capability) when they name it, none for lumos's own commands. Help,
	// version and mistakes get the whole tree.
	ins := toolkit.Integrations()
	var only toolkit.CapabilityName
	if len(args) > 0 {
		if in, ok := toolkit.Lookup(args[0]); ok {
			ins = []*toolkit.Integration{in}
			only = selected(in, args[1:])
		} else if (ownCommands()[args[0]] || args[0] == "--version") && !slices.ContainsFunc(args, isHelpFlag) {
			ins = nil
		}
	}
	for _, in := range ins {
		opts = append(opts, kong.DynamicCommand(in.AppID(), escapeHelp(connectorHelp(in)), "connectors", connectorGrammar(in, false, only)))
	}
	return &rootCommand{}, opts
}

// ownCommands returns the names of lumos's own commands (rootCommand's).
var ownCommands = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if _, embedded := f.Tag.Lookup("embed"); embedded {
				walk(f.Type)
				continue
			}
			if _, isCmd := f.Tag.Lookup("cmd"); isCmd {
				name := f.Tag.Get("name")
				if name == "" {
					name = strings.ToLower(f.Name)
				}
				names[name] = true
			}
		}
	}
	walk(reflect.TypeFor[rootCommand]())
	return names
})

func isHelpFlag(a string) bool { return a == "-h" || a == "--help" }

// rootCommand holds the commands of `lumos` that are not connectors.
type rootCommand struct {
	Version     versionFlag       `help:"Print the version and exit."`
	Connectors  connectorsCommand `cmd:"" help:"List the built-in connectors, or link them as <app_id>-connector commands."`
	Spec        specCommand       `cmd:"" help:"Print the OpenAPI document of the whole protocol (all standard capabilities)."`
	devCommands `embed:""`
}

// versionFlag prints the version to stdout and exits 0.
type versionFlag bool

// BeforeReset prints the version before any other check runs.
func (versionFlag) BeforeReset(app *kong.Kong, vars kong.Vars, s *Streams) error {
	fmt.Fprintln(s.Stdout, vars["version"])
	app.Exit(ExitOK)
	return nil
}

// connectorHelp is a connector's one-line description.
func connectorHelp(in *toolkit.Integration) string {
	d := in.Declaration().Description
	name := d.UserFriendlyName
	if name == "" {
		name = in.AppID()
	}
	if d.Description == "" {
		return name + " connector."
	}
	first, _, _ := strings.Cut(d.Description, "\n")
	return name + ": " + first
}

// groups are the headings of help output.
var groups = []kong.Group{{Key: "connectors", Title: "Connectors:"}, {Key: "capabilities", Title: "Capabilities:"},
	{Key: "tools", Title: "Other commands:"}}

// connectorGrammar builds a connector's command tree at run time: `info`
// plus one command per registered capability, named exactly as the
// capability. As the root of a busybox command it also takes --version.
// When only is set, the tree holds just that command.
func connectorGrammar(in *toolkit.Integration, root bool, only toolkit.CapabilityName) any {
	var fields []reflect.StructField
	if root {
		fields = append(fields, reflect.StructField{Name: "Version", Type: reflect.TypeFor[versionFlag](), Tag: `help:"Print the version and exit."`})
	}
	infoField := -1
	if only == "" || only == toolkit.CapInfo.Name() {
		infoField = len(fields)
		fields = append(fields, reflect.StructField{Name: "Info", Type: reflect.TypeFor[infoCommand](),
			Tag: `cmd:"" name:"info" group:"capabilities" help:"Describe the connector: capabilities, schemas, settings and auth."`})
	}
	schemaField := -1
	if only == "" {
		schemaField = len(fields)
		fields = append(fields, reflect.StructField{Name: "Schema", Type: reflect.TypeFor[schemaCommand](),
			Tag: `cmd:"" name:"schema" group:"tools" help:"Print the JSON Schema (draft 2020-12) of a capability's request, or with --response of its response."`})
	}
	firstCap := len(fields)
	caps := in.Capabilities()
	switch {
	case only == toolkit.CapInfo.Name():
		caps = nil
	case only != "":
		caps = []toolkit.CapabilityName{only}
	}
	for i, name := range caps {
		fields = append(fields, reflect.StructField{
			Name: "Cap" + strconv.Itoa(i),
			Type: reflect.TypeFor[capabilityCommand](),
			Tag: reflect.StructTag(fmt.Sprintf(`cmd:"" group:"capabilities" name:%s help:%s`,
				strconv.Quote(string(name)), strconv.Quote(escapeHelp(in.Summary(name))))),
		})
	}
	v := reflect.New(reflect.StructOf(fields)).Elem()
	if infoField >= 0 {
		v.Field(infoField).Set(reflect.ValueOf(infoCommand{integration: in}))
	}
	if schemaField >= 0 {
		v.Field(schemaField).Set(reflect.ValueOf(schemaCommand{integration: in}))
	}
	for i, name := range caps {
		v.Field(firstCap + i).Set(reflect.ValueOf(capabilityCommand{integration: in, name: name}))
	}
	return v.Addr().Interface()
}

// escapeHelp keeps kong from interpolating ${...} in text that comes from connectors.
func escapeHelp(s string) string { return strings.ReplaceAll(s, "$", "$$") }

// argSecrets gathers the secrets of every argument that is a JSON document.
func argSecrets(args []string) *redact.Secrets {
	var secrets redact.Secrets
	keys := redact.NewKeys()
	for _, a := range args {
		var v any
		if json.Unmarshal([]byte(a), &v) == nil {
			redact.Collect(v, keys, &secrets)
		}
	}
	return &secrets
}
