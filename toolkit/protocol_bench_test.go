package toolkit_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// BenchmarkLatestVersusOld dispatches the same list_accounts call (one
// upstream request to a loopback API answering rate-limit headers) in the
// 0.37 protocol and in the latest one, which also parses the rate_limit
// block, seeds the client and answers current_state, and reports the ratio
// latest/0.37 of their times per call (measured in the same run).
func BenchmarkLatestVersusOld(b *testing.B) {
	up := newUpstream(b, 0, map[string]string{"X-RateLimit-Remaining": "4999", "X-RateLimit-Limit": "5000",
		"X-RateLimit-Reset": strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)})
	in := limited(up.srv.URL)
	ctx := toolkit.WithLogger(context.Background(), slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError})))
	old := []byte(`{` + tokenAuth + `,"request":{}}`)
	latest := []byte(`{` + tokenAuth + `,"request":{},"rate_limit":{"max_execution_time":60,"last_known_state":{"limited":{"remaining":4999,"limit":5000}}}}`)
	perCall := func(body []byte, n int) time.Duration {
		start := time.Now()
		for range n {
			if err := in.DispatchTo(ctx, io.Discard, "list_accounts", body); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start) / time.Duration(n)
	}
	b.ReportAllocs()
	var tOld, tLatest time.Duration
	for b.Loop() {
		tOld += perCall(old, 20)
		tLatest += perCall(latest, 20)
	}
	b.ReportMetric(float64(tOld.Microseconds())/float64(b.N), "µs-0.37/call")
	b.ReportMetric(float64(tLatest.Microseconds())/float64(b.N), "µs-latest/call")
	b.ReportMetric(float64(tLatest)/float64(tOld), "latest/0.37")
}
