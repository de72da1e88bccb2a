package toolkit_test

import (
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

func TestCheckAppID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"github", true},
		{"google-workspace", true},
		{"acme_hr", true},
		{"a1", true},
		{"acme-2fa", true},
		{"connectors", true},     // command words are the command line's business
		{"mock-connector", true}, // so is the -connector suffix
		{strings.Repeat("a", toolkit.MaxAppIDLength), true},
		{strings.Repeat("a", toolkit.MaxAppIDLength+1), false},
		{"", false},
		{"GitHub", false},
		{"1acme", false},
		{"-acme", false},
		{"acme-", false},
		{"acme--hr", false},
		{"acme-_hr", false},
		{"acme hr", false},
		{"acmé", false},
		{"../acme", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			is := is.New(t)
			err := toolkit.CheckAppID(tt.id)
			is.Equal(err == nil, tt.ok)
			if err != nil {
				is.True(strings.Contains(err.Error(), "invalid app id")) // the error names the problem
			}
		})
	}
}
