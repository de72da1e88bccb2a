package toolkit

import "fmt"

// MaxAppIDLength is the longest app id a connector may have, in bytes. An app
// id names a command, a file and a Go package, so it is kept short.
const MaxAppIDLength = 64

// CheckAppID checks the syntax of a connector's app id: one or more words of
// lower-case ASCII letters and digits, the first starting with a letter,
// joined by single '-' or '_', at most MaxAppIDLength bytes (e.g. "github",
// "google-workspace"). It says nothing of words a command line reserves.
func CheckAppID(id string) error {
	if !wordsJoinedBy(id, "-_", true) {
		return fmt.Errorf("invalid app id %q: use lower-case letters and digits, words joined by '-' or '_', starting with a letter (e.g. \"google-workspace\")", id)
	}
	if len(id) > MaxAppIDLength {
		return fmt.Errorf("invalid app id %q: it is %d bytes long, longer than %d", id, len(id), MaxAppIDLength)
	}
	return nil
}
