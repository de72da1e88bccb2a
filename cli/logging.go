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
	h := &lineHandler{level: level, name: "lumos." + escapeControls(name), now: now, sink: &logSink{warn: stderr}}
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
// process, so a record costs no system call of its own). A log file that
// cannot be opened is reported once on warn, and logging stops.
type logSink struct {
	mu     sync.Mutex
	out    io.Writer
	path   string
	file   *os.File
	buf    *bufio.Writer
	warn   io.Writer
	failed bool
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
	ms := t.Nanosecond() / 1e6
	b.WriteByte(byte('0' + ms/100))
	b.WriteByte(byte('0' + ms/10%10))
	b.WriteByte(byte('0' + ms%10))
	b.WriteByte(' ')
	b.WriteString(h.name)
	b.WriteByte(' ')
	b.WriteString(levelName(r.Level))
	b.WriteByte(' ')
	b.WriteString(escapeControls(r.Message))
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
		if s.failed {
			return nil
		}
		f, err := openLogFile(s.path)
		if err != nil {
			s.failed = true
			if s.warn != nil {
				fmt.Fprintf(s.warn, "lumos: not logging: %s\n", escapeControls(err.Error()))
			}
			return err
		}
		s.file, s.buf = f, bufio.NewWriter(f)
		s.out = s.buf
	}
	_, err := io.WriteString(s.out, line)
	return err
}

// openLogFile opens the log file for appending, creating it (0600) and its
// folder (0700) if need be. It refuses a symbolic link and anything but a
// regular file, and never waits for the reader of a FIFO.
func openLogFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	f, err := openNoFollow(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|oNonblock, 0o600)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("the log file %s is not a regular file", path)
	}
	return f, nil
}

// openNoFollow opens path as os.OpenFile does, but never through a
// symbolic link in the last element of the path: that is an error saying so.
func openNoFollow(path string, flag int, perm os.FileMode) (*os.File, error) {
	if isSymlink(path) {
		return nil, symlinkError(path)
	}
	f, err := os.OpenFile(path, flag|oNoFollow, perm)
	if err != nil && isSymlink(path) { // it became one since the check
		return nil, symlinkError(path)
	}
	return f, err
}

func isSymlink(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&os.ModeSymlink != 0
}

func symlinkError(path string) error {
	return fmt.Errorf("refusing to write through the symbolic link %s", path)
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
	if v == "" || strings.ContainsAny(v, " \"=") || firstControl(v) >= 0 {
		v = strconv.Quote(v) // escapes every control character
	}
	b.WriteByte(' ')
	b.WriteString(escapeControls(prefix + a.Key))
	b.WriteByte('=')
	b.WriteString(v)
}
