package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// drainState is how far a drain has gone.
type drainState struct {
	pages, items int
	started      time.Time
	token        string // the token of the page being fetched; "" for the first
}

// drain runs a list capability page after page (--all), each page one
// ordinary call through the same pipeline, limits and masking, and writes
// the items as they arrive. It stops at the last page, at an error
// envelope (printed as the last line) or at a signal; in the last two
// cases the token to resume from is printed on standard error.
func (c *capabilityCommand) drain(ctx context.Context, s *Streams, body []byte) error {
	req, err := decodeObject(body)
	if err != nil {
		// Not an object: one call, so the pipeline explains what is wrong.
		doc, derr := c.dispatch(ctx, s.answer, body)
		out, isError := c.present(doc, s)
		return c.endDrain(s, out, isError, derr)
	}
	format := c.format()
	if format == "json" {
		format = "ndjson"
	}
	items := newItemWriter(s.Stdout, format)
	st := drainState{started: time.Now()}
	if p, ok := req["page"].(map[string]any); ok {
		st.token, _ = p["token"].(string)
	}
	progress := &progressLine{on: s.stderrTTY, w: s.Stderr}
	if progress.on {
		progress.waits = &waitCounter{next: toolkit.TraceWriter(ctx)}
		ctx = toolkit.WithTrace(ctx, progress.waits)
	}
	for {
		setIn(req, st.token, "page", "token")
		if st.token == "" {
			delete(req["page"].(map[string]any), "token")
		}
		b, _ := json.Marshal(req)
		doc, derr := c.dispatch(ctx, s.answer, b)
		if derr != nil { // a signal: what is printed stays whole; say where to resume
			progress.clear()
			_ = items.close()
			c.resumeHint(s, st, "interrupted")
			return derr
		}
		env, list, rerr := readEnvelope(doc)
		if rerr != nil || env.IsError || list == nil {
			progress.clear()
			_ = items.close()
			if st.pages > 0 && env.IsError {
				c.resumeHint(s, st, "stopped by an error")
			}
			return c.endDrain(s, compactOrPretty(doc, c, s, st.pages), env.IsError, nil)
		}
		if err := items.write(list); err != nil {
			return err
		}
		if err := items.flush(); err != nil {
			return err
		}
		st.pages++
		st.items += len(list)
		if env.Page == nil || env.Page.Token == "" {
			progress.clear()
			return items.close()
		}
		st.token = env.Page.Token
		progress.show(st)
	}
}

// compactOrPretty is how an envelope ending a drain is printed: as one
// NDJSON line once items have been printed, else as a single call would.
func compactOrPretty(doc []byte, c *capabilityCommand, s *Streams, pages int) []byte {
	if pages > 0 {
		return doc
	}
	return showJSON(doc, c.indent(s))
}

// endDrain writes the last document of a drain and picks the exit code.
func (c *capabilityCommand) endDrain(s *Streams, doc []byte, isError bool, err error) error {
	if werr := s.writeResult(doc, ""); werr != nil {
		return werr
	}
	if err == nil && isError && c.FailOnError {
		return exitError{code: ExitCapabilityError, err: errors.New("the answer is an error envelope (--fail-on-error)")}
	}
	return err
}

// resumeHint tells, on standard error, how to go on from where the drain stopped.
func (c *capabilityCommand) resumeHint(s *Streams, st drainState, why string) {
	if st.pages == 0 && st.token == "" {
		return // nothing done yet: run the command again
	}
	fmt.Fprintf(s.Stderr, "%s after %d pages (%d items); to resume, run the same command with --set 'page.token=%s'\n",
		why, st.pages, st.items, escapeControls(st.token))
}

// progressLine is the line a drain keeps up to date on a terminal's
// standard error; it writes nothing when on is false.
type progressLine struct {
	on    bool
	w     io.Writer
	shown bool
	waits *waitCounter // the upstream requests retried after a wait (rate limits, failures)
}

// waitCounter counts the trace lines of requests retried after a wait and
// passes every line on to next, when there is one.
type waitCounter struct {
	next io.Writer
	n    atomic.Int64
}

func (w *waitCounter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(", retrying in ")) {
		w.n.Add(1)
	}
	if w.next != nil {
		return w.next.Write(p)
	}
	return len(p), nil
}

func (p *progressLine) show(st drainState) {
	if !p.on {
		return
	}
	elapsed := time.Since(st.started).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(st.items) / elapsed
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "\r\x1b[K%d pages, %d items, %.0f items/s", st.pages, st.items, rate)
	if p.waits != nil {
		if n := p.waits.n.Load(); n > 0 {
			fmt.Fprintf(&b, ", %d upstream waits", n)
		}
	}
	_, _ = p.w.Write(b.Bytes())
	p.shown = true
}

func (p *progressLine) clear() {
	if p.shown {
		_, _ = io.WriteString(p.w, "\r\x1b[K")
		p.shown = false
	}
}
