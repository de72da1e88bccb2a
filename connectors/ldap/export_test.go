package ldap

import (
	"bufio"
	"context"
	"encoding/json"
	"io"

	goldap "github.com/go-ldap/ldap/v3"
)

// WireSearch runs one search through the connector's own reader, with the
// settings and credential given: dial, bind, search, unbind. When record is
// not nil, every byte the server sends after the bind is copied to it.
func WireSearch(ctx context.Context, settings map[string]any, user, password string, req *goldap.SearchRequest, record io.Writer) (*goldap.SearchResult, error) {
	raw, err := json.Marshal(settings)
	if err != nil {
		return nil, err
	}
	c, err := decodeSettings(raw)
	if err != nil {
		return nil, err
	}
	ss, err := connect(ctx, c, user, password)
	if err != nil {
		return nil, err
	}
	defer ss.close()
	if record != nil {
		ss.rd.r = bufio.NewReader(io.TeeReader(ss.rd.conn, record))
	}
	return ss.rd.Search(req)
}
