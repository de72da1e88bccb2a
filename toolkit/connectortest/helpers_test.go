package connectortest_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing the
// test, so the tests can assert what the harness and the suite report.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
	logs   []string
	failed bool
}

// record runs f with a recorder wrapping t, in its own goroutine so that
// Fatal can stop it, and returns the recorder.
func record(t *testing.T, f func(tb testing.TB)) *recorder {
	t.Helper()
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func (r *recorder) add(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.errors = append(r.errors, msg)
}

func (r *recorder) Helper()                           {}
func (r *recorder) Error(args ...any)                 { r.add(fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) { r.add(fmt.Sprintf(format, args...)) }
func (r *recorder) Fail()                             { r.add("Fail called") }
func (r *recorder) FailNow()                          { r.add("FailNow called"); runtime.Goexit() }
func (r *recorder) Fatal(args ...any)                 { r.add(fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Log(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprint(args...))
}
func (r *recorder) Logf(format string, args ...any) { r.Log(fmt.Sprintf(format, args...)) }
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// text is every recorded failure, one after the other.
func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errors, "\n---\n")
}

// mustFail checks that the recorder recorded failures containing every
// wanted fragment, and shows what it recorded otherwise.
func (r *recorder) mustFail(t *testing.T, fragments ...string) {
	t.Helper()
	if !r.Failed() {
		t.Fatalf("no failure recorded; want one containing %q", fragments)
	}
	text := r.text()
	for _, f := range fragments {
		if !strings.Contains(text, f) {
			t.Errorf("the failure does not contain %q; it reads:\n%s", f, text)
		}
	}
}

// mustPass checks that nothing was recorded.
func (r *recorder) mustPass(t *testing.T) {
	t.Helper()
	if r.Failed() {
		t.Fatalf("unexpected failure:\n%s", r.text())
	}
}
