package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Environment variables that configure logging, as upstream.
const (
	EnvLogLevel     = "LUMOS_LOG_LEVEL"     // DEBUG, INFO, WARNING, ERROR (default) or CRITICAL
	EnvLogDirectory = "LUMOS_LOG_DIRECTORY" // folder of the log files; default ./logs
	EnvLogToStdout  = "LUMOS_LOG_TO_STDOUT" // "true": log to standard error (upstream's name; never stdout)
)

// LevelCritical is Python's CRITICAL level.
const LevelCritical = slog.Level(12)

var levelNames = map[string]slog.Level{
	"DEBUG": slog.LevelDebug, "INFO": slog.LevelInfo, "WARNING": slog.LevelWarn, "WARN": slog.LevelWarn,
	"ERROR": slog.LevelError, "CRITICAL": LevelCritical,
}

// newLogger builds the process logger from the environment. Records go to
// standard error when LUMOS_LOG_TO_STDOUT is true, else to
// <LUMOS_LOG_DIRECTORY or ./logs>/<name>_<YYYY-MM-DD>.log (UTC date),
// created on the first record, so a quiet run leaves no file behind.
func newLogger(getenv func(string) string, name string, stderr io.Writer, now func() time.Time) (*slog.Logger, *lineHandler, error) {
	level := slog.LevelError
	if v := strings.TrimSpace(getenv(EnvLogLevel)); v != "" {
		l, ok := levelNames[strings.ToUpper(v)]
		if !ok {
			return nil, nil, fmt.Errorf("invalid %s %q: use DEBUG, INFO, WARNING, ERROR or CRITICAL", EnvLogLevel, v)
		}
		level = l
	}
	h := &lineHandler{level: level, name: "lumos." + name, now: now, sink: &logSink{}}
	if strings.EqualFold(strings.TrimSpace(getenv(EnvLogToStdout)), "true") {
		h.sink.out = stderr
	} else {
		dir := getenv(EnvLogDirectory)
		if dir == "" {
			dir = "logs"
		}
		h.sink.path = filepath.Join(dir, name+"_"+now().UTC().Format("2006-01-02")+".log")
	}
	return slog.New(h), h, nil
}

// lineHandler writes records in upstream's format,
// "HH:MM:SS,<ms> <logger> <LEVEL> <message>", followed by key=value attributes.
type lineHandler struct {
	level slog.Level
	name  string
	now   func() time.Time
	attrs string
	sink  *logSink // shared by the handlers WithAttrs derives
}

// logSink is where log lines go: a stream, or a file opened on first use
// and written through a buffer that Close flushes (one call is one short
// process, so a record costs no system call of its own).
type logSink struct {
	mu   sync.Mutex
	out  io.Writer
	path string
	file *os.File
	buf  *bufio.Writer
}

func (h *lineHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	t := r.Time
	if t.IsZero() {
		t = h.now()
	}
	b.WriteString(t.Format("15:04:05"))
	b.WriteByte(',')
	b.WriteString(strconv.Itoa(t.Nanosecond() / 1e6))
	b.WriteByte(' ')
	b.WriteString(h.name)
	b.WriteByte(' ')
	b.WriteString(levelName(r.Level))
	b.WriteByte(' ')
	b.WriteString(r.Message)
	b.WriteString(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, "", a)
		return true
	})
	b.WriteByte('\n')
	return h.sink.write(b.String())
}

func (s *logSink) write(line string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == nil {
		if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		s.file, s.buf = f, bufio.NewWriter(f)
		s.out = s.buf
	}
	_, err := io.WriteString(s.out, line)
	return err
}

// Close flushes and closes the log file, if one was opened.
func (h *lineHandler) Close() error {
	h.sink.mu.Lock()
	defer h.sink.mu.Unlock()
	if h.sink.file == nil {
		return nil
	}
	err := h.sink.buf.Flush()
	if cerr := h.sink.file.Close(); err == nil {
		err = cerr
	}
	h.sink.file, h.sink.out = nil, nil
	return err
}

func (h *lineHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b strings.Builder
	for _, a := range attrs {
		writeAttr(&b, "", a)
	}
	c := *h
	c.attrs += b.String()
	return &c
}

func (h *lineHandler) WithGroup(string) slog.Handler { return h }

func levelName(l slog.Level) string {
	switch {
	case l >= LevelCritical:
		return "CRITICAL"
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARNING"
	case l >= slog.LevelInfo:
		return "INFO"
	}
	return "DEBUG"
}

func writeAttr(b *strings.Builder, prefix string, a slog.Attr) {
	if a.Value.Kind() == slog.KindGroup {
		for _, g := range a.Value.Group() {
			writeAttr(b, prefix+a.Key+".", g)
		}
		return
	}
	v := a.Value.String()
	if v == "" || strings.ContainsAny(v, " \t\n\"=") {
		v = strconv.Quote(v)
	}
	b.WriteByte(' ')
	b.WriteString(prefix + a.Key)
	b.WriteByte('=')
	b.WriteString(v)
}
