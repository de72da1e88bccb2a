package mock

import (
	"strings"
	"testing"

	"github.com/matryer/is"
)

// TestLoweredNames checks that the written-out lower-case names, which make
// up login names, are the display names lowered, one for one.
func TestLoweredNames(t *testing.T) {
	is := is.New(t)
	for _, c := range []struct{ names, lowered []string }{
		{givenNames[:], lowerGiven[:]},
		{familyNames[:], lowerFamily[:]},
	} {
		is.Equal(len(c.names), len(c.lowered))
		for i, n := range c.names {
			is.Equal(strings.ToLower(n), c.lowered[i])
		}
	}
}
