package cli

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// connectorSuffix is what the busybox form strips from a program name:
// mock-connector runs mock.
const connectorSuffix = "-connector"

// commandWords returns the names and aliases of lumos's own commands, read
// from rootCommand's kong tags: the words that, first on a command line,
// name a command rather than a connector. (Reading the tags costs
// microseconds; building kong's model of them would cost every start-up.
// TestCommandWordsMatchKong checks both agree.)
var commandWords = sync.OnceValue(func() map[string]bool {
	words := map[string]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if _, embedded := f.Tag.Lookup("embed"); embedded {
				walk(f.Type)
				continue
			}
			if _, isCmd := f.Tag.Lookup("cmd"); !isCmd {
				continue
			}
			name := f.Tag.Get("name")
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			words[name] = true
			for alias := range strings.SplitSeq(f.Tag.Get("aliases"), ",") {
				if alias = strings.TrimSpace(alias); alias != "" {
					words[alias] = true
				}
			}
		}
	}
	walk(reflect.TypeFor[rootCommand]())
	return words
})

// reservedWords returns the words no connector may take as its app id:
// lumos's command words, and "help", "version" and "lumos".
func reservedWords() []string {
	words := []string{"help", "version", "lumos"}
	for w := range commandWords() {
		words = append(words, w)
	}
	return words
}

// reservedError says that a connector's app id clashes with the lumos
// command line: a word it reserves, or the busybox suffix.
type reservedError struct {
	AppID  string // the app id
	Reason string // why it is reserved
}

// Error names the app id and the clash.
func (e *reservedError) Error() string {
	return fmt.Sprintf("the app id %q %s", e.AppID, e.Reason)
}

// checkAppIDFree returns a *reservedError when id is a word the lumos
// command line reserves (one of its command names or aliases, "help",
// "version" or "lumos") or ends in "-connector", and nil otherwise. It does
// not check the app-id syntax (toolkit.CheckAppID does) nor whether a
// connector already has the id.
func checkAppIDFree(id string) error {
	switch {
	case strings.HasSuffix(id, connectorSuffix):
		return &reservedError{id, `ends in "` + connectorSuffix + `", which the busybox form strips from a program name (mock-connector runs mock)`}
	case id == "help" || id == "version" || id == "lumos":
		return &reservedError{id, "is a word the lumos command line reserves"}
	case commandWords()[id]:
		return &reservedError{id, "is the name of a lumos command"}
	}
	return nil
}

// checkConnectors fails, naming each, when a connector's app id is
// reserved: the registry cannot refuse it (the toolkit knows nothing of the
// command line), so the command line refuses to start.
func checkConnectors(appIDs []string) error {
	var errs []error
	for _, id := range appIDs {
		if err := checkAppIDFree(id); err != nil {
			errs = append(errs, fmt.Errorf("the connector %q cannot be registered: %w; rename it", id, err))
		}
	}
	return errors.Join(errs...)
}
