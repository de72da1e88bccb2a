package cli

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

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
	outputFlags

	integration *toolkit.Integration
	name        toolkit.CapabilityName
}

// Run reads the request, dispatches it and writes the response document.
func (c *capabilityCommand) Run(ctx context.Context, s *Streams) error {
	switch {
	case c.JSON != nil && c.JSONFile != nil:
		return usageError{"--json and --json-file can't be used together"}
	case c.JSON == nil && c.JSONFile == nil:
		return usageError{"one of --json or --json-file is required"}
	}
	resultFile, err := c.resultFile()
	if err != nil {
		return err
	}
	// An empty body (--json '', an empty file or stdin) goes to the
	// pipeline like any other: as upstream, it is a bad_request envelope.
	var body []byte
	if c.JSON != nil {
		body = []byte(*c.JSON)
	} else if body, err = readRequestFile(unquote(*c.JSONFile), s.Stdin); err != nil {
		return err
	}
	if c.Trace {
		ctx = toolkit.WithTrace(ctx, s.Stderr)
	}
	doc, err := c.dispatch(ctx, body)
	if werr := writeResult(doc, resultFile, s.Stdout); werr != nil {
		return werr
	}
	return err
}

// dispatch runs the capability, stopping it on SIGINT or SIGTERM: the
// handler's context is cancelled, and if it has not answered within
// InterruptGrace the command answers for it. Either way exactly one whole
// document is returned, and the returned error carries the signal's exit code.
func (c *capabilityCommand) dispatch(parent context.Context, body []byte) ([]byte, error) {
	ctx, stop := cancelOnSignal(parent)
	defer stop()
	done := make(chan []byte, 1)
	go func() { done <- c.integration.Dispatch(ctx, string(c.name), body) }()
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

// interruption returns the signal that cancelled ctx, if any, as an error.
func interruption(ctx context.Context) error {
	if i, ok := context.Cause(ctx).(interrupted); ok {
		return exitError{code: i.exitCode(), err: i}
	}
	return nil
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

	integration *toolkit.Integration
}

// Run writes the `info` document.
func (c *infoCommand) Run(s *Streams) error {
	resultFile, err := c.resultFile()
	if err != nil {
		return err
	}
	doc, err := c.integration.InfoDocument()
	if err != nil {
		return fmt.Errorf("building info: %w", err)
	}
	return writeResult(doc, resultFile, s.Stdout)
}

// resultFile checks --result-file-path: it must end in .gz.
func (o outputFlags) resultFile() (string, error) {
	path := unquote(o.ResultFilePath)
	if path != "" && !strings.HasSuffix(path, ".gz") {
		return "", fmt.Errorf("--result-file-path must name a .gz file, got %q", path)
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

// writeResult writes the document and a newline to stdout, or gzips it into
// the result file, which is truncated first and synced before returning.
func writeResult(doc []byte, resultFile string, stdout io.Writer) error {
	if resultFile == "" {
		// doc may be shared (the cached info document): append to a copy.
		_, err := stdout.Write(append(doc[:len(doc):len(doc)], '\n'))
		return err
	}
	f, err := os.OpenFile(resultFile, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("writing --result-file-path: %w", err)
	}
	zw := gzip.NewWriter(f)
	_, err = zw.Write(doc)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if serr := f.Sync(); err == nil {
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
