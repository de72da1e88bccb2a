package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
)

// The progress line counts the upstream requests retried after a wait,
// from the trace lines, which still reach --trace's writer.
func TestProgressCountsWaits(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string // the end of the progress line
	}{
		{"no waits", []string{"http GET https://h/a -> 200 OK in 1ms (attempt 1/4)\n"}, "items/s"},
		{"a rate limit and a failure", []string{
			"http GET https://h/a -> 429 Too Many Requests in 1ms (attempt 1/4, retrying in 1s (Retry-After))\n",
			"http GET https://h/a -> error: connection refused in 1ms (attempt 2/4, retrying in 2s (connection error))\n",
			"http GET https://h/a -> 200 OK in 1ms (attempt 3/4)\n"}, "items/s, 2 upstream waits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			var trace, stderr bytes.Buffer
			p := &progressLine{on: true, w: &stderr, waits: &waitCounter{next: &trace}}
			for _, l := range tt.lines {
				_, err := p.waits.Write([]byte(l))
				is.NoErr(err)
			}
			is.Equal(trace.String(), strings.Join(tt.lines, "")) // passed on whole
			p.show(drainState{pages: 2, items: 10, started: time.Now().Add(-time.Second)})
			is.True(strings.HasSuffix(stderr.String(), tt.want))
			p.clear()
			is.True(strings.HasSuffix(stderr.String(), "\r\x1b[K"))
		})
	}
}
