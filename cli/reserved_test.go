package cli

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// TestCommandWordsMatchKong checks that the words read from rootCommand's
// tags are exactly the command names and aliases of kong's model of it.
func TestCommandWordsMatchKong(t *testing.T) {
	is := is.New(t)
	parser, err := kong.New(&rootCommand{}, kong.Vars{"version": "test"}, kong.ExplicitGroups(groups))
	is.NoErr(err)
	want := map[string]bool{}
	for _, n := range parser.Model.Children {
		want[n.Name] = true
		for _, a := range n.Aliases {
			want[a] = true
		}
	}
	is.True(len(want) > 0)
	is.Equal(commandWords(), want)
}

// TestReservedAppIDsFail registers a connector under each reserved word (and
// with the busybox suffix): the command line refuses to start, exit 1,
// naming the connector and the clash.
func TestReservedAppIDsFail(t *testing.T) {
	words := append(reservedWords(), "acme-connector", "mock-connector")
	is.New(t).True(slices.Contains(words, "connectors") && slices.Contains(words, "spec") &&
		slices.Contains(words, "help") && slices.Contains(words, "version") && slices.Contains(words, "lumos"))
	for _, word := range words {
		t.Run(word, func(t *testing.T) {
			is := is.New(t)
			appIDs := append(toolkit.AppIDs(), word)
			for _, argv := range [][]string{
				{"lumos", "--version"},
				{"lumos", "mock", "validate_credentials", "--json", "{}"},
				{"mock-connector", "info"},
			} {
				var stdout, stderr bytes.Buffer
				code := run(argv, &Streams{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr}, runOptions{appIDs: appIDs})
				is.Equal(code, ExitFatal)
				is.Equal(stdout.String(), "")
				is.True(strings.Contains(stderr.String(), `the connector "`+word+`" cannot be registered`)) // names the connector
				is.True(strings.Contains(stderr.String(), "reserves") || strings.Contains(stderr.String(), "lumos command") ||
					strings.Contains(stderr.String(), `ends in "-connector"`)) // and the clash
			}
		})
	}
}

func TestCheckAppIDFree(t *testing.T) {
	tests := []struct {
		id      string
		problem string // "" when free
	}{
		{"acme", ""},
		{"mock", ""},
		{"connector", ""},
		{"connectors-hr", ""},
		{"connectors", "is the name of a lumos command"},
		{"spec", "is the name of a lumos command"},
		{"help", "reserves"},
		{"version", "reserves"},
		{"lumos", "reserves"},
		{"acme-connector", `ends in "-connector"`},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			is := is.New(t)
			err := checkAppIDFree(tt.id)
			if tt.problem == "" {
				is.NoErr(err)
				return
			}
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), `"`+tt.id+`"`))
			is.True(strings.Contains(err.Error(), tt.problem))
		})
	}
	is.New(t).NoErr(checkConnectors(toolkit.AppIDs())) // the built-in connectors are fine
}
