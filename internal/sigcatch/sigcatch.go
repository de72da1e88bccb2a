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
	"strings"
	"sync"
	"syscall"
	"time"
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

// LiteralCall reports whether a command line (os.Args) has the shape of a
// plain capability call whose request is on the command line itself,
// `[connector] <capability> --json <request>` or `--json=<request>`:
// such a call reads nothing that can block before its handler runs, so
// the lumos binary leaves catching signals to the call itself (see
// CatchAfter). The check is on the shape alone; a command line that only
// looks like one is caught from the start of the command line's run.
func LiteralCall(args []string) bool {
	if len(args) < 3 || len(args) > 5 {
		return false
	}
	last := args[len(args)-1]
	if strings.HasPrefix(last, "--json=") {
		return len(args) <= 4
	}
	return len(args) >= 4 && args[len(args)-2] == "--json" && !strings.HasPrefix(last, "-")
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

// CatchAfter is Catch for a command that cannot block for the first d:
// signals are caught only once d has passed, so a command done sooner
// never pays for catching them (the runtime starts a thread of its own
// for that, a fifth of a Go process's start-up). A signal received before
// then has its default effect. Already catching (Early, or another
// caller), it is Catch.
func CatchAfter(d time.Duration) (<-chan os.Signal, func()) {
	mu.Lock()
	catching := users > 0 || permanent
	mu.Unlock()
	if catching {
		return Catch()
	}
	out := make(chan os.Signal, 1)
	stop := make(chan struct{})
	t := time.AfterFunc(d, func() {
		sigs, release := Catch()
		defer release()
		select {
		case s := <-sigs:
			out <- s
		case <-stop:
		}
	})
	var once sync.Once
	return out, func() {
		once.Do(func() {
			t.Stop()
			close(stop)
		})
	}
}
