// Package cli is the lumos command line: `lumos connectors ...`,
// `lumos <connector> <capability> --json '...'`, and the busybox form in
// which the binary, invoked as <app_id> or <app_id>-connector, behaves as
// that connector's own command line, as a Python connector's does.
//
// Run first decides, from the arguments alone, how to answer (see mode):
// a plain capability call runs without any grammar (fast.go), the busybox
// form builds one connector's grammar (busybox.go), anything else the
// `lumos` grammar (grammar.go).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/alecthomas/kong"

	"github.com/lumosgo/lumos/internal/sigcatch"
	"github.com/lumosgo/lumos/toolkit"
)

// Exit codes, as upstream: handled capability errors are a success (their
// envelope is on stdout).
const (
	ExitOK    = 0 // success, or a capability error written as an envelope
	ExitFatal = 1 // the command could not run (bad result file name, unreadable input, no command, a misnamed connector)
	ExitUsage = 2 // unknown connector, capability or flag; missing or conflicting --json flags
)

// Streams are the process's standard streams, bound into every command.
type Streams struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer

	answer *answer // who writes the one document of the run; nil outside Run

	stdoutTTY bool   // standard output is a terminal: documents are indented
	stderrTTY bool   // standard error is a terminal: progress lines and hints go there
	prog      string // the program name, for hints
}

// exitRequest is how kong's Exit (after --help or --version) unwinds Run.
type exitRequest struct{ code int }

// usageError is a command-line mistake: it exits 2 with usage on stderr.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Run runs the lumos command line with args (args[0] is the program name as
// invoked) and returns the process exit code. Nothing else writes to the
// real standard streams, so the whole CLI can be tested in-process.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(args, &Streams{Stdin: stdin, Stdout: stdout, Stderr: stderr,
		stdoutTTY: writerIsTerminal(stdout), stderrTTY: writerIsTerminal(stderr)}, runOptions{})
}

// writerIsTerminal reports whether w is a file that is a terminal.
func writerIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && f != nil && isTerminal(f)
}

// runOptions are switches for tests; Run uses the zero value.
type runOptions struct {
	noFastPath bool     // answer every command line through a grammar
	appIDs     []string // checked for reserved app ids instead of the registry, when set
}

// mode is how a command line is answered.
type mode int

const (
	modeLumos   mode = iota // the `lumos` grammar: its own commands and every connector's
	modeBusybox             // one connector's grammar: the binary was invoked as <app_id>[-connector]
	modeFast                // a plain capability call, answered without building any grammar
)

// start is what the arguments say before anything is built.
type start struct {
	mode      mode
	prog      string               // the program name, for messages and help
	connector *toolkit.Integration // the connector argv[0] stands for (busybox form), else nil
	args      []string             // the arguments after argv[0]
	fast      *capabilityCommand   // the call to run, in modeFast
}

// chooseMode reads argv (argv[0] included) and decides how to answer it.
func chooseMode(argv []string, o runOptions) start {
	var s start
	argv0 := ""
	if len(argv) > 0 {
		argv0, s.args = argv[0], argv[1:]
	}
	s.prog, s.connector = resolveProgram(argv0)
	if !o.noFastPath {
		s.fast = fastCapability(s.connector, s.args)
	}
	switch {
	case s.fast != nil:
		s.mode = modeFast
	case s.connector != nil:
		s.mode = modeBusybox
	default:
		s.mode = modeLumos
	}
	return s
}

// named is the connector the command line names: the one argv[0] stands
// for, or its first argument's; nil when it names none.
func (s start) named() *toolkit.Integration {
	if s.connector != nil {
		return s.connector
	}
	if len(s.args) > 0 {
		if in, ok := toolkit.Lookup(s.args[0]); ok {
			return in
		}
	}
	return nil
}

// logName is the name logs are written under: the connector's app id when
// the command line names one, else "lumos".
func (s start) logName() string {
	if in := s.named(); in != nil {
		return in.AppID()
	}
	return "lumos"
}

// run answers one command line. SIGINT and SIGTERM are caught before
// anything that can block (a plain --json call, which reads nothing, after
// LiteralCallGrace), and answered whenever they come (see
// answer.interrupted): the command runs on its own goroutine, so a signal
// received while it waits for input or for a FIFO still ends the run with
// exactly one document.
func run(argv []string, streams *Streams, o runOptions) int {
	s := chooseMode(argv, o) // reads argv and the environment only: nothing that can block
	sigs, release := catchSignals(s)
	defer release()
	if s.serving() {
		release() // serve answers its own signals: SIGTERM drains the calls, then exits 0
		return runServe(s, streams)
	}
	appIDs := o.appIDs
	if appIDs == nil {
		appIDs = toolkit.AppIDs() // the registered connectors stay unbuilt until one is run
	}
	if err := checkConnectors(appIDs); err != nil {
		fmt.Fprintf(streams.Stderr, "%s: error: %v\n", s.prog, err)
		return ExitFatal
	}
	logger, logs, err := newLogger(os.Getenv, s.logName(), streams.Stderr, time.Now)
	if err != nil {
		fmt.Fprintf(streams.Stderr, "%s: error: %v\n", s.prog, err)
		return ExitFatal
	}
	defer logs.Close()
	ctx, cancel := context.WithCancelCause(toolkit.WithLogger(context.Background(), logger))
	defer cancel(nil)
	ans := newAnswer(streams.Stdout)
	gated := &Streams{Stdin: streams.Stdin, Stdout: &gatedStdout{a: ans}, Stderr: streams.Stderr, answer: ans,
		stdoutTTY: streams.stdoutTTY, stderrTTY: streams.stderrTTY, prog: s.prog}
	done := make(chan int, 1)
	go func() { done <- runCommand(ctx, s, gated) }()
	select {
	case code := <-done:
		return code
	case sig := <-sigs:
		cause := interrupted{sig}
		cancel(cause)
		return ans.interrupted(cause, done, s.errorDocument)
	}
}

// LiteralCallGrace is how long a plain capability call with its request on
// the command line (`<capability> --json …`) runs before it catches SIGINT
// and SIGTERM: catching costs the runtime a thread, a fifth of a Go
// process's start-up, and such a call reads nothing that can block before
// its handler, so most calls end sooner and never pay. A signal in that
// window ends the process the default way (status 130 or 143 as a shell
// reports it, and no document).
var LiteralCallGrace = 5 * time.Millisecond

// catchSignals starts catching SIGINT and SIGTERM for the command line:
// at once, except for a plain capability call with its request on the
// command line, which catches them after LiteralCallGrace.
func catchSignals(s start) (<-chan os.Signal, func()) {
	if s.mode == modeFast && s.fast.JSON != nil {
		return sigcatch.CatchAfter(LiteralCallGrace)
	}
	return sigcatch.Catch()
}

// runCommand runs the command the arguments name and returns the exit code.
func runCommand(ctx context.Context, s start, streams *Streams) int {
	var grammar any
	var opts []kong.Option
	switch s.mode {
	case modeFast:
		return finish(s.prog, s.fast.Run(ctx, streams), streams.Stderr, nil)
	case modeBusybox:
		s.args = helpArgs(s.args, true)
		grammar, opts = busyboxGrammar(s.prog, s.connector, s.args)
	default:
		s.args = helpArgs(s.args, false)
		grammar, opts = rootGrammar(s.prog, s.args)
	}
	return parseAndRun(ctx, s, streams, grammar, opts)
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
			kctx.Kong.Stdout = stderr
			_ = kctx.PrintUsage(true)
		}
		return ExitUsage
	}
	fmt.Fprintf(stderr, "%s: error: %v\n", prog, err)
	return ExitFatal
}

// callStack is about the stack a capability call reaches (decoding and
// encoding by reflection nest deep).
const callStack = 32 << 10

// growStack gives the calling goroutine, while its stack is still shallow,
// the stack a capability call needs: the runtime then grows it once, copying a
// frame or two, instead of doubling it several times under a deep call
// stack, each time walking every frame.
//
//go:noinline
func growStack(i int) byte {
	var buf [callStack]byte
	return buf[i]
}
