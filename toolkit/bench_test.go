package toolkit_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/lumosgo/lumos/toolkit"
)

// BenchmarkErrorVersusSuccess compares a handled error (bad_request: the
// settings are missing) with the success of the same call: the error path
// must cost no more than the success path. scripts/bench.sh prints the ratio.
func BenchmarkErrorVersusSuccess(b *testing.B) {
	in := demo()
	// As the command line runs it: errors are formatted and logged (to a
	// discarding sink here, to a buffered file there).
	ctx := toolkit.WithLogger(context.Background(), slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError})))
	cases := []struct {
		name string
		body []byte
	}{
		{"success", []byte(`{"request":{},` + okAuth + `,` + okSettings + `}`)},
		{"bad_request", []byte(`{"request":{},` + okAuth + `}`)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := in.DispatchTo(ctx, io.Discard, "validate_credentials", c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
