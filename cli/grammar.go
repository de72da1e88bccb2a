package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/redact"
)

// parseAndRun parses the arguments with a grammar and runs the command they name.
func parseAndRun(ctx context.Context, s start, streams *Streams, grammar any, opts []kong.Option) (code int) {
	opts = append(opts,
		kong.Writers(streams.Stdout, streams.Stderr), // help asked for goes to stdout; usage after a mistake is sent to stderr (toStderr)
		kong.Exit(func(code int) { panic(exitRequest{code}) }),
		kong.Bind(streams, &startInfo{prog: s.prog}),
		kong.BindTo(ctx, (*context.Context)(nil)),
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
		fmt.Fprintf(streams.Stderr, "%s: internal error building the command line: %v\n", s.prog, err)
		return ExitFatal
	}
	args := s.args
	if len(args) == 0 || (s.connector == nil && len(args) == 1 && isConnector(args[0])) {
		// As upstream: naming no command is a fatal error, not a usage error.
		fmt.Fprintln(streams.Stderr, "No command passed in")
		parser.Stdout = streams.Stderr
		if tctx, err := kong.Trace(parser, args); err == nil {
			_ = tctx.PrintUsage(false)
		}
		return ExitFatal
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		// A mistyped command line may hold a request document; its secrets
		// must not reach the terminal.
		fmt.Fprintf(streams.Stderr, "%s: error: %s\n", s.prog, argSecrets(args).String(err.Error()))
		var pe *kong.ParseError
		if errors.As(err, &pe) && pe.Context != nil {
			pe.Context.Kong.Stdout = streams.Stderr
			_ = pe.Context.PrintUsage(true)
		}
		return ExitUsage
	}
	return finish(s.prog, kctx.Run(), streams.Stderr, kctx)
}

func isConnector(name string) bool {
	return toolkit.Registered(name)
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
	var ins []*toolkit.Integration
	var only toolkit.CapabilityName
	switch {
	case len(args) > 0 && toolkit.Registered(args[0]):
		in, _ := toolkit.Lookup(args[0])
		ins = []*toolkit.Integration{in}
		only = selected(in, args[1:])
	case len(args) > 0 && (commandWords()[args[0]] || args[0] == "--version" || args[0] == "-v") && !slices.ContainsFunc(args, isHelpFlag):
	default:
		ins = toolkit.Integrations()
	}
	teach := slices.ContainsFunc(args, isHelpFlag)
	for _, in := range ins {
		opts = append(opts, kong.DynamicCommand(in.AppID(), escapeHelp(connectorHelp(in)), "connectors", connectorGrammar(in, false, only, teach)))
	}
	return &rootCommand{}, opts
}

func isHelpFlag(a string) bool { return a == "-h" || a == "--help" }

// rootCommand holds the commands of `lumos` that are not connectors.
type rootCommand struct {
	Version    versionFlag       `short:"v" help:"Print the version and exit."`
	Connectors connectorsCommand `cmd:"" help:"List the built-in connectors, or link them as <app_id>-connector commands."`
	Spec       specCommand       `cmd:"" help:"Print the OpenAPI document of the whole protocol (all standard capabilities)."`
	Help       helpCommand       `cmd:"" name:"help" group:"tools" help:"Show help: lumos help [<connector> [<capability>]]."`
	VersionCmd versionCommand    `cmd:"" name:"version" group:"tools" help:"Print the version."`
	Completion completionCommand `cmd:"" name:"completion" group:"tools" help:"Print a shell completion script: bash, zsh or fish."`
	//lint:ignore U1000 kong reads the embedded commands by reflection; empty in runtime builds
	devCommands `embed:""`
	//lint:ignore U1000 kong reads the embedded commands by reflection; empty in runtime builds
	serveCommands `embed:""`
}

// versionFlag prints the version to stdout and exits 0.
type versionFlag bool

// BeforeReset prints the version before any other check runs.
func (versionFlag) BeforeReset(app *kong.Kong, vars kong.Vars, s *Streams) error {
	fmt.Fprintln(s.Stdout, vars["version"])
	app.Exit(ExitOK)
	return nil
}

// versionCommand prints the version, as --version does.
type versionCommand struct{}

// Run prints the version.
func (versionCommand) Run(vars kong.Vars, s *Streams) error {
	_, err := fmt.Fprintln(s.Stdout, vars["version"])
	return err
}

// helpCommand is `help [words...]`. runCommand answers it as `words... --help`
// (see helpArgs), which needs the grammar of the words; this Run only
// answers when that did not happen, with the top-level help.
type helpCommand struct {
	Words []string `arg:"" optional:"" name:"command" help:"The connector and capability to explain."`
}

// Run prints the top-level help.
func (helpCommand) Run(kctx *kong.Context) error {
	return kctx.PrintUsage(false)
}

// helpArgs rewrites `help X Y` (after the connector's name, if any) as
// `X Y --help`, and in the busybox form `version` as `--version`.
func helpArgs(args []string, busybox bool) []string {
	i := 0
	if !busybox && len(args) > 0 && isConnector(args[0]) {
		i = 1
	}
	if len(args) <= i {
		return args
	}
	switch {
	case args[i] == "help":
		out := append(append(append([]string{}, args[:i]...), args[i+1:]...), "--help")
		return out
	case busybox && args[i] == "version" && len(args) == 1:
		return []string{"--version"}
	}
	return args
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
// When only is set, the tree holds just that command, and teach (help was
// asked for) gives it its detailed help.
func connectorGrammar(in *toolkit.Integration, root bool, only toolkit.CapabilityName, teach bool) any {
	var fields []reflect.StructField
	if root {
		fields = append(fields, reflect.StructField{Name: "Version", Type: reflect.TypeFor[versionFlag](), Tag: `short:"v" help:"Print the version and exit."`})
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
		v.Field(firstCap + i).Set(reflect.ValueOf(capabilityCommand{integration: in, name: name, teach: teach && only != ""}))
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
