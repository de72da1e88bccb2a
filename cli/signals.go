package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// InterruptGrace is how long a capability may take to stop after SIGINT or
// SIGTERM before the command gives up on it and answers for it.
var InterruptGrace = 3 * time.Second

// writeWait is how long, once a call has ended after a signal, the
// command is given to start writing its document before the process
// answers for it (it may be waiting for the reader of a FIFO).
const writeWait = 250 * time.Millisecond

// interrupted is the cause of a context cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (i interrupted) Error() string {
	return fmt.Sprintf("The call was interrupted by %s before it finished.", signalName(i.sig))
}

// exitCode is the conventional status of a process ended by the signal: 128+n.
func (i interrupted) exitCode() int {
	if s, ok := i.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return ExitFatal
}

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// answer makes a run of the command line print at most one document: the
// command's own, or the error envelope the process answers a signal with.
// Whoever claims it first writes; the other writes nothing.
type answer struct {
	mu         sync.Mutex
	claimed    bool
	claimedCh  chan struct{} // closed when the document is claimed
	call       chan struct{} // while a capability call runs: closed when it ends
	resultFile string        // the checked --result-file-path, once known
	stdout     io.Writer     // the real standard output
}

func newAnswer(stdout io.Writer) *answer {
	return &answer{stdout: stdout, claimedCh: make(chan struct{})}
}

// claim reports whether the caller may write the document; only the
// first caller may. A nil answer (a command run outside Run) always may.
func (a *answer) claim() bool {
	if a == nil {
		return true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.claimed {
		return false
	}
	a.claimed = true
	close(a.claimedCh)
	return true
}

// setResultFile records where the document is to go.
func (a *answer) setResultFile(path string) {
	if a == nil {
		return
	}
	a.mu.Lock()
	a.resultFile = path
	a.mu.Unlock()
}

// beginCall marks a capability call as running until the returned
// function is called.
func (a *answer) beginCall() func() {
	if a == nil {
		return func() {}
	}
	ch := make(chan struct{})
	a.mu.Lock()
	a.call = ch
	a.mu.Unlock()
	return func() { close(ch) }
}

func (a *answer) state() (call chan struct{}, resultFile string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.call, a.resultFile
}

// interrupted answers the signal cause stands for, once the command
// (whose exit code arrives on done) has been given its chance: a running
// capability call gets InterruptGrace to stop and answer itself, and a
// command already writing its document gets to finish it. Otherwise the
// process answers at once, with the envelope errDoc makes, in the result
// file when one was named and can be written without waiting, else on
// standard output. It returns the exit code.
func (a *answer) interrupted(cause interrupted, done <-chan int, errDoc func(error) []byte) int {
	call, resultFile := a.state()
	if call != nil {
		select {
		case code := <-done:
			return code
		case <-call:
			select { // the command writes its own document, unless it has to wait
			case code := <-done:
				return code
			case <-a.claimedCh:
			case <-time.After(writeWait):
			}
		case <-time.After(InterruptGrace + time.Second):
		}
	}
	if a.claim() {
		doc := errDoc(cause)
		if resultFile == "" || !regularOrAbsent(resultFile) || writeResultFile(resultFile, doc, nil) != nil {
			_, _ = a.stdout.Write(append(doc, '\n'))
		}
		return cause.exitCode()
	}
	select { // the command is writing its document: let it finish
	case code := <-done:
		return code
	case <-time.After(InterruptGrace):
		return cause.exitCode()
	}
}

// gatedStdout is the standard output commands write to: their first write
// claims the document, and once the process has answered a signal
// instead, whatever they write is dropped.
type gatedStdout struct {
	a    *answer
	mu   sync.Mutex
	mine bool
	lost bool
}

func (g *gatedStdout) Write(p []byte) (int, error) {
	g.mu.Lock()
	if !g.mine && !g.lost {
		g.mine = g.a.claim()
		g.lost = !g.mine
	}
	lost := g.lost
	g.mu.Unlock()
	if lost {
		return len(p), nil
	}
	return g.a.stdout.Write(p)
}

// lumosErrorDocument is lumos's own error envelope, for a signal received
// when the command line names no connector.
func lumosErrorDocument(err error) []byte {
	doc, _ := json.Marshal(toolkit.ErrorResponse{IsError: true, Error: toolkit.Error{
		Message: err.Error(), ErrorCode: errs.UnexpectedError, AppID: "lumos",
	}})
	return doc
}

// errorDocument is the envelope for the connector the command line names,
// or lumos's own.
func (s start) errorDocument(err error) []byte {
	if in := s.named(); in != nil {
		return in.ErrorDocument(err)
	}
	return lumosErrorDocument(err)
}

// interruption returns the signal that cancelled ctx, if any, as an error.
func interruption(ctx context.Context) error {
	if i, ok := context.Cause(ctx).(interrupted); ok {
		return exitError{code: i.exitCode(), err: i}
	}
	return nil
}
