package cli

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
)

// logLine is what the log handler writes for one record.
func logLine(t *testing.T, at time.Time, msg string, attrs ...slog.Attr) string {
	t.Helper()
	var out bytes.Buffer
	env := map[string]string{EnvLogToStdout: "true", EnvLogLevel: "DEBUG"}
	logger, h, err := newLogger(func(k string) string { return env[k] }, "app", &out, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	r := slog.NewRecord(at, slog.LevelError, msg, 0)
	r.AddAttrs(attrs...)
	if err := logger.Handler().Handle(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestLogLineFormat(t *testing.T) {
	at := func(ms int) time.Time { return time.Date(2026, 1, 2, 3, 4, 5, ms*1e6+999, time.UTC) }
	tests := []struct {
		name  string
		at    time.Time
		msg   string
		attrs []slog.Attr
		want  string
	}{
		{"milliseconds padded to 3 digits", at(7), "m", nil, "03:04:05,007 lumos.app ERROR m\n"},
		{"two-digit milliseconds", at(45), "m", nil, "03:04:05,045 lumos.app ERROR m\n"},
		{"three-digit milliseconds", at(999), "m", nil, "03:04:05,999 lumos.app ERROR m\n"},
		{"zero milliseconds", at(0), "m", nil, "03:04:05,000 lumos.app ERROR m\n"},
		{"newline in the message", at(1), "a\n03:04:05,001 lumos.app CRITICAL forged", nil,
			`03:04:05,001 lumos.app ERROR a\n03:04:05,001 lumos.app CRITICAL forged` + "\n"},
		{"CR, tab and ANSI escape in the message", at(1), "a\rb\tc\x1b[31mred\x7f", nil,
			`03:04:05,001 lumos.app ERROR a\rb\tc\x1b[31mred\x7f` + "\n"},
		{"C1 controls, line separator and invalid UTF-8 in the message", at(1), "a\u0085b\u009bc\u2028d\xffé", nil,
			`03:04:05,001 lumos.app ERROR a\u0085b\u009bc\u2028d\xffé` + "\n"},
		{"backslashes and ordinary text kept", at(1), `C:\path ünïcode`, nil, `03:04:05,001 lumos.app ERROR C:\path ünïcode` + "\n"},
		{"control characters in an attribute value", at(1), "m", []slog.Attr{slog.String("k", "v\r\x1b[2J")},
			`03:04:05,001 lumos.app ERROR m k="v\r\x1b[2J"` + "\n"},
		{"C1 control in an attribute value", at(1), "m", []slog.Attr{slog.String("k", "v\u0085x")},
			`03:04:05,001 lumos.app ERROR m k="v\u0085x"` + "\n"},
		{"newline in an attribute key", at(1), "m", []slog.Attr{slog.String("k\nINJECTED", "v")},
			`03:04:05,001 lumos.app ERROR m k\nINJECTED=v` + "\n"},
		{"control characters in a group", at(1), "m", []slog.Attr{slog.Group("g\r", slog.String("k", "a\nb"))},
			`03:04:05,001 lumos.app ERROR m g\r.k="a\nb"` + "\n"},
		{"plain attribute value unquoted", at(1), "m", []slog.Attr{slog.String("k", "v")}, "03:04:05,001 lumos.app ERROR m k=v\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			got := logLine(t, tt.at, tt.msg, tt.attrs...)
			is.Equal(got, tt.want)
			is.Equal(strings.Count(got, "\n"), 1) // one record is one line
		})
	}
}

func TestTraceLinesEscaped(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain line", "http GET https://h/x -> 200 OK in 1ms (attempt 1/4)\n", "http GET https://h/x -> 200 OK in 1ms (attempt 1/4)\n"},
		{"forged line inside", "http GET https://h/x -> error: bad\nhttp GET https://h/forged -> 200 OK\n", `http GET https://h/x -> error: bad\nhttp GET https://h/forged -> 200 OK` + "\n"},
		{"terminal escape", "outcome \x1b[2J\r\n", `outcome \x1b[2J\r` + "\n"},
		{"no newline", "a\x07", `a\x07`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			var out bytes.Buffer
			n, err := lineEscaper{w: &out}.Write([]byte(tt.in))
			is.NoErr(err)
			is.Equal(n, len(tt.in))
			is.Equal(out.String(), tt.want)
		})
	}
}
