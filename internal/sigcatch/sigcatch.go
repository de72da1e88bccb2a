// Package sigcatch catches SIGINT and SIGTERM for the lumos command line,
// from as early in the process as the program asks: the lumos binary
// imports package sigcatch/early, whose init function starts catching
// before the connectors' packages are initialised, so a signal received
// during start-up waits for the command line to answer it instead of
// killing the process.
package sigcatch

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

var (
	mu        sync.Mutex
	ch        = make(chan os.Signal, 1) // a signal beyond the first unread one is dropped
	users     int
	permanent bool
)

// Early starts catching SIGINT and SIGTERM for the rest of the process's
// life; the signals wait on the channel Catch returns.
func Early() {
	mu.Lock()
	defer mu.Unlock()
	if users == 0 && !permanent {
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	}
	permanent = true
}

// Catch starts catching SIGINT and SIGTERM unless that is done already,
// and returns the channel they arrive on with a function to call when the
// caller no longer answers them. Once the last caller is done, and unless
// Early was called, the signals have their default effect again.
func Catch() (<-chan os.Signal, func()) {
	mu.Lock()
	defer mu.Unlock()
	if users == 0 && !permanent {
		signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	}
	users++
	var once sync.Once
	return ch, func() { once.Do(release) }
}

func release() {
	mu.Lock()
	defer mu.Unlock()
	users--
	if users > 0 || permanent {
		return
	}
	signal.Stop(ch)
	select {
	case <-ch: // nobody is left to answer it
	default:
	}
}
