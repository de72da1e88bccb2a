package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// InterruptGrace is how long a capability may take to stop after SIGINT or
// SIGTERM before the command gives up on it and answers for it.
var InterruptGrace = 3 * time.Second

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

// cancelOnSignal returns a context cancelled, with an interrupted cause,
// when the process receives SIGINT or SIGTERM, and a function to stop
// listening.
func cancelOnSignal(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			cancel(interrupted{sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}
