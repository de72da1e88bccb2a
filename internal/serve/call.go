package serve

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// callGrace is how long a call whose deadline passed, or whose client
// went away, is given to answer before the server answers for it.
const callGrace = 3 * time.Second

// call runs one capability call: read the body (bounded in size and, by
// the server's timeouts, in time), take a slot, dispatch, answer the
// envelope with 200 whatever it says.
func (s *Server) call(x *exchange, r *http.Request, in *toolkit.Integration, name string) {
	if r.ContentLength > toolkit.MaxRequestBytes {
		detail(x, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(x, r.Body, toolkit.MaxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			detail(x, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		} else {
			detail(x, http.StatusRequestTimeout, "Request Timeout")
		}
		return
	}
	select {
	case s.slots <- struct{}{}:
	default:
		s.metrics.rejected.Inc()
		x.Header().Set("Retry-After", strconv.Itoa(max(1, int(s.cfg.RetryAfter.Round(time.Second)/time.Second))))
		detail(x, http.StatusServiceUnavailable, "Too many calls in flight; retry later")
		return
	}
	start := time.Now()
	doc := s.dispatch(r.Context(), in, name, body)
	outcome := errorCode(doc)
	if outcome == "" {
		outcome = "ok"
	}
	s.metrics.calls.WithLabelValues(in.AppID(), x.capability, outcome).Inc()
	s.metrics.duration.WithLabelValues(in.AppID(), x.capability).Observe(time.Since(start).Seconds())
	writeDoc(x, "application/json", doc)
}

// errCallDeadline is the cause of a call stopped by the server's deadline.
type errCallDeadline struct{ d time.Duration }

func (e errCallDeadline) Error() string {
	return "The call did not finish within the server's deadline of " + e.d.String() + "."
}

// dispatch runs the call through the toolkit's dispatch, the path the
// command line takes, and returns the document with its newline, as the
// command line prints it. The call holds its slot until its handler
// returns, even when the server has answered for it.
func (s *Server) dispatch(ctx context.Context, in *toolkit.Integration, name string, body []byte) []byte {
	ctx, cancel := context.WithTimeoutCause(ctx, s.cfg.CallTimeout, s.deadlineCause)
	ctx = toolkit.WithLogger(ctx, s.cfg.Log)
	ctx = toolkit.WithTrace(ctx, s.metrics.upstreamCounter(in.AppID()))
	done := make(chan []byte, 1)
	s.metrics.inFlight.Inc()
	go func() {
		defer func() { <-s.slots; cancel() }()
		var buf bytes.Buffer
		_ = in.DispatchTo(ctx, &buf, name, body) // a bytes.Buffer never fails to write
		s.metrics.inFlight.Dec()                 // before the answer: a scrape after it sees the call finished
		done <- buf.Bytes()
	}()
	select {
	case doc := <-done:
		return doc
	case <-ctx.Done():
	}
	select {
	case doc := <-done:
		return doc
	case <-time.After(callGrace):
		return append(in.ErrorDocument(context.Cause(ctx)), '\n')
	}
}
