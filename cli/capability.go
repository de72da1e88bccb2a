package cli

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// outputFlags are the flags every connector command shares.
type outputFlags struct {
	ResultFilePath string `name:"result-file-path" placeholder:"FILE.gz" help:"Write the response, gzip-compressed, to this file (its name must end in .gz) instead of standard output."`
	UseProxy       bool   `name:"use-proxy" aliases:"sip" hidden:"" help:"Accepted for compatibility with Python connectors; lumos has no Lumos-internal proxy and ignores it."`
}

// capabilityCommand runs one capability of one connector.
type capabilityCommand struct {
	JSON     *string `name:"json" placeholder:"JSON" help:"The request document, as JSON."`
	JSONFile *string `name:"json-file" placeholder:"PATH" help:"Read the request document from a file; - reads standard input."`
	Trace    bool    `name:"trace" env:"LUMOS_TRACE" help:"Print one line per upstream HTTP request on standard error (method, URL without secrets, status, duration, attempt)."`
	All      bool    `name:"all" help:"Follow page tokens to the last page, printing the items as they come (NDJSON unless -o csv or table); a progress line on a terminal's standard error; on interrupt, the token to resume from."`
	outputFlags
	humanFlags
	inputFlags

	integration *toolkit.Integration
	name        toolkit.CapabilityName
	teach       bool // help was asked for: Help builds the detailed help
}

// Run reads the request, dispatches it and writes the response document.
func (c *capabilityCommand) Run(ctx context.Context, s *Streams) error {
	switch {
	case c.JSON != nil && c.JSONFile != nil:
		return usageError{"--json and --json-file can't be used together"}
	case c.JSON == nil && c.JSONFile == nil && !c.inputFlags.given() && !hasConnectorEnv(c.integration):
		return usageError{"one of --json or --json-file is required (or build the request with --auth-file, --settings-file, --set or LUMOS_" +
			strings.TrimPrefix(envPrefix(c.integration), "LUMOS_") + "* variables)"}
	case c.All && c.ResultFilePath != "":
		return usageError{"--all prints its items on standard output; it can't be used with --result-file-path"}
	}
	resultFile, err := c.resultFile()
	if err != nil {
		return err
	}
	s.answer.setResultFile(resultFile)
	body, err := c.requestBody(s)
	if err != nil {
		return err
	}
	var causes *causeCatcher
	switch {
	case c.Trace:
		ctx = toolkit.WithTrace(ctx, lineEscaper{w: s.Stderr})
	case s.stderrTTY:
		causes = &causeCatcher{}
		ctx = toolkit.WithTrace(ctx, causes)
	}
	if c.All {
		return c.drain(ctx, s, body)
	}
	doc, err := c.dispatch(ctx, s.answer, body)
	isError := false
	out := doc
	if resultFile == "" && (c.format() != "json" || c.indent(s)) {
		out, isError = c.present(doc, s)
	} else if c.FailOnError {
		env, _, _ := readEnvelope(doc)
		isError = env.IsError
	}
	if werr := s.writeResult(out, resultFile); werr != nil {
		return werr
	}
	c.hint(s, doc, causes)
	if err == nil && isError && c.FailOnError {
		return exitError{code: ExitCapabilityError, err: errors.New("the answer is an error envelope (--fail-on-error)")}
	}
	return err
}

// hint explains, on a terminal's standard error, an error envelope whose
// protocol message cannot say more (the envelope is left as it is).
func (c *capabilityCommand) hint(s *Streams, doc []byte, causes *causeCatcher) {
	if !s.stderrTTY {
		return
	}
	var e struct {
		IsError bool `json:"is_error"`
		Error   struct {
			Message   string         `json:"message"`
			ErrorCode errs.ErrorCode `json:"error_code"`
		} `json:"error"`
	}
	if json.Unmarshal(doc, &e) != nil || !e.IsError {
		return
	}
	switch {
	case e.Error.Message == "Missing credentials in request" || e.Error.Message == "Missing auth/credentials in request":
		_, _ = io.WriteString(s.Stderr, authHint(s.prog, c.integration, c.name))
	case e.Error.Message == errs.MessageConnectFailed || e.Error.ErrorCode == errs.ConnectionTimeout || e.Error.ErrorCode == errs.RequestTimeout:
		if line := causes.last(); line != "" {
			fmt.Fprintf(s.Stderr, "cause: %s\nhint: --trace (or LUMOS_TRACE=1) prints every upstream request\n", escapeControls(line))
		}
	}
}

// causeCatcher is the trace writer of a call without --trace whose
// standard error is a terminal: it prints nothing and keeps the last
// request that failed without an answer, whose cause (DNS, refused, TLS)
// the envelope's reference-compatible message does not give.
type causeCatcher struct {
	mu   sync.Mutex
	line string
}

func (cc *causeCatcher) Write(p []byte) (int, error) {
	if line := strings.TrimSuffix(string(p), "\n"); strings.Contains(line, " -> error: ") {
		cc.mu.Lock()
		cc.line = line
		cc.mu.Unlock()
	}
	return len(p), nil
}

// last is the last failed request's trace line, "" if none (or cc is nil).
func (cc *causeCatcher) last() string {
	if cc == nil {
		return ""
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.line
}

// requestBody is the request document: --json or --json-file, with the
// environment, files and --set values merged in (see buildRequest).
func (c *capabilityCommand) requestBody(s *Streams) ([]byte, error) {
	// An empty body (--json '', an empty file or stdin) goes to the
	// pipeline like any other: as upstream, it is a bad_request envelope.
	var body []byte
	var err error
	switch {
	case c.JSON != nil:
		body = []byte(*c.JSON)
	case c.JSONFile != nil:
		if body, err = readRequestFile(unquote(*c.JSONFile), s.Stdin); err != nil {
			return nil, err
		}
	}
	return c.buildRequest(c.integration, body, os.LookupEnv, s.Stderr)
}

// dispatch runs the capability, stopping it on SIGINT or SIGTERM (which
// cancel ctx): the handler's context is cancelled, and if it has not
// answered within InterruptGrace the command answers for it. Either way
// exactly one whole document is returned, and the returned error carries
// the signal's exit code. A ctx cancelled already runs nothing.
func (c *capabilityCommand) dispatch(ctx context.Context, a *answer, body []byte) ([]byte, error) {
	if err := interruption(ctx); err != nil {
		return c.integration.ErrorDocument(context.Cause(ctx)), err
	}
	defer a.beginCall()()
	done := make(chan []byte, 1)
	go func() {
		growStack(0)
		done <- c.integration.Dispatch(ctx, string(c.name), body)
	}()
	select {
	case doc := <-done:
		return doc, interruption(ctx)
	case <-ctx.Done():
	}
	select {
	case doc := <-done:
		return doc, interruption(ctx)
	case <-time.After(InterruptGrace):
		cause := context.Cause(ctx)
		return c.integration.ErrorDocument(cause), interruption(ctx)
	}
}

// exitError ends the command with a given exit code.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }

// infoCommand prints the connector's `info` document.
type infoCommand struct {
	outputFlags
	Pretty  bool `name:"pretty" xor:"layout" help:"Indent the JSON document (the default when standard output is a terminal)."`
	Compact bool `name:"compact" xor:"layout" help:"Print the protocol's one-line JSON document, even on a terminal."`

	integration *toolkit.Integration
}

// Run writes the `info` document.
func (c *infoCommand) Run(s *Streams) error {
	resultFile, err := c.resultFile()
	if err != nil {
		return err
	}
	s.answer.setResultFile(resultFile)
	doc, err := c.integration.InfoDocument()
	if err != nil {
		return fmt.Errorf("building info: %w", err)
	}
	if resultFile == "" {
		doc = showJSON(doc, humanFlags{Pretty: c.Pretty, Compact: c.Compact}.indent(s))
	}
	return s.writeResult(doc, resultFile)
}

// resultFile checks --result-file-path: it must end in .gz, and name no
// symbolic link, no folder and no file in a missing folder. Checking
// before the call means a call whose answer could not be written is not made.
func (o outputFlags) resultFile() (string, error) {
	path := unquote(o.ResultFilePath)
	if path == "" {
		return "", nil
	}
	if !strings.HasSuffix(path, ".gz") {
		return "", fmt.Errorf("--result-file-path must name a .gz file, got %q", path)
	}
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode()&os.ModeSymlink != 0:
		return "", fmt.Errorf("--result-file-path: %w", symlinkError(path))
	case err == nil && fi.IsDir():
		return "", fmt.Errorf("--result-file-path: %s is a folder", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("--result-file-path: %w", err)
	}
	if dir, err := os.Stat(filepath.Dir(path)); err != nil || !dir.IsDir() {
		return "", fmt.Errorf("--result-file-path: no folder %s to write %s in", filepath.Dir(path), filepath.Base(path))
	}
	return path, nil
}

// unquote strips surrounding double quotes, then single quotes, as
// upstream does for the paths it is given.
func unquote(s string) string {
	return strings.Trim(strings.Trim(s, `"`), "'")
}

// readRequestFile reads a request document from path, or from stdin for "-".
// It reads at most one byte past the dispatch limit, which then rejects it.
func readRequestFile(path string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("reading --json-file: %w", err)
		}
		defer f.Close()
		r = f
	}
	body, err := io.ReadAll(io.LimitReader(r, toolkit.MaxRequestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading --json-file: %w", err)
	}
	return body, nil
}

// writeResult writes the document and a newline to stdout, or gzips it
// into the result file (see writeResultFile). It writes nothing once the
// process has answered a signal instead.
func (s *Streams) writeResult(doc []byte, resultFile string) error {
	if resultFile == "" {
		// doc may be shared (the cached info document): append to a copy.
		_, err := s.Stdout.Write(append(doc[:len(doc):len(doc)], '\n'))
		return err
	}
	return writeResultFile(resultFile, doc, s.answer.claim)
}

// errAnswered stops a command whose document the process wrote instead.
var errAnswered = errors.New("the process has answered already")

// writeResultFile writes doc gzip-compressed to path without following a
// symbolic link. A regular file (or none) is replaced atomically: the
// document is written to a new file (mode 0600) in the same folder, synced
// and renamed over path, so a reader sees the old file or the whole new
// one. Anything else (a FIFO, a device) is written in place, which may
// wait for its reader. claim, when not nil, is asked once the file is
// ready and before anything is written; false abandons the write.
func writeResultFile(path string, doc []byte, claim func() bool) error {
	if !regularOrAbsent(path) {
		f, err := openNoFollow(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("writing --result-file-path: %w", err)
		}
		if claim != nil && !claim() {
			f.Close()
			return errAnswered
		}
		return finishResultFile(f, doc)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing --result-file-path: %w", err)
	}
	tmp := f.Name()
	if claim != nil && !claim() {
		f.Close()
		os.Remove(tmp)
		return errAnswered
	}
	err = finishResultFile(f, doc)
	if err == nil {
		if err = os.Rename(tmp, path); err != nil {
			err = fmt.Errorf("writing --result-file-path: %w", err)
		}
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// finishResultFile writes doc gzip-compressed to f, syncs and closes it.
func finishResultFile(f *os.File, doc []byte) error {
	zw := gzip.NewWriter(f)
	_, err := zw.Write(doc)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if serr := f.Sync(); err == nil && !errors.Is(serr, syscall.EINVAL) { // a FIFO cannot be synced
		err = serr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing --result-file-path: %w", err)
	}
	return nil
}

// regularOrAbsent reports whether path names a regular file or nothing
// (so the result file can be replaced atomically, without waiting).
func regularOrAbsent(path string) bool {
	fi, err := os.Lstat(path)
	if err != nil {
		return errors.Is(err, fs.ErrNotExist)
	}
	return fi.Mode().IsRegular()
}

// lineEscaper writes each line given to it (the trace writes one per
// call) with its control characters escaped, so upstream text in a trace
// can neither forge lines nor drive the terminal.
type lineEscaper struct{ w io.Writer }

func (l lineEscaper) Write(p []byte) (int, error) {
	line, nl := strings.CutSuffix(string(p), "\n")
	out := escapeControls(line)
	if nl {
		out += "\n"
	}
	if _, err := io.WriteString(l.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}
