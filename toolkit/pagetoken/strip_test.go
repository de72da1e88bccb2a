package pagetoken_test

import (
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

func TestStripSecrets(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://h/x?page=2", "https://h/x?page=2"},
		{"https://h/x?page=2&access_token=abc", "https://h/x?page=2"},
		{"https://h/x?token=a&page=2&api_key=b&Key=c&signature=d&sig=e&password=f&client_secret=g", "https://h/x?page=2"},
		{"/x?ACCESS_TOKEN=a", "/x"},
		{"/x?access%5Ftoken=a&cursor=z#frag", "/x?cursor=z#frag"},
		{"https://graph/x?$skiptoken=abc&page_token=p&next_cursor=c", "https://graph/x?$skiptoken=abc&page_token=p&next_cursor=c"}, // paging cursors stay
		{"opaque?token=abc", "opaque?token=abc"},                                                                                   // not a URL: a cursor, kept
		{"https://h/x", "https://h/x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			is := is.New(t)
			is.Equal(pagetoken.StripSecrets(tt.in), tt.want)
		})
	}
}
