package ldap

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// retryDelays are the waits before retrying a read the server refused as
// busy or unavailable.
var retryDelays = []time.Duration{200 * time.Millisecond, time.Second}

// retryable reports whether err is a transient refusal worth retrying.
func retryable(err error) bool {
	return goldap.IsErrorAnyOf(err, goldap.LDAPResultBusy, goldap.LDAPResultUnavailable)
}

// searcher is a connection reads go through.
type searcher interface {
	Search(*goldap.SearchRequest) (*goldap.SearchResult, error)
}

// reader is the connection reads go through: the connector's own, or, once
// the call has written, the writes' connection, so that a read after a
// write meets the same server (behind a load balancer, another connection
// may reach a replica the write has not reached yet).
func (ss *session) reader() searcher {
	if ss.conn.conn != nil {
		return ss.conn.conn
	}
	return ss.rd
}

// search runs one search request, retrying transient refusals (reads are
// safe to repeat).
func (ss *session) search(ctx context.Context, req *goldap.SearchRequest) (*goldap.SearchResult, error) {
	for i := 0; ; i++ {
		res, err := ss.reader().Search(req)
		if err == nil || !retryable(err) || i == len(retryDelays) {
			return res, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(retryDelays[i]):
		}
	}
}

// pagedSearch runs req with the simple paged results control (page_size
// entries a request, fewer when want, if above 0, says how many entries
// are needed in all) and hands each entry to each until each says stop or
// the results end; a search stopped early is abandoned (RFC 2696: a page
// size of 0 with the cookie). It returns the controls of the first
// response.
func (ss *session) pagedSearch(ctx context.Context, req *goldap.SearchRequest, want int, each func(*goldap.Entry) (stop bool)) ([]goldap.Control, error) {
	first, _, err := ss.pagedScan(ctx, req, want, each)
	return first, err
}

// pagedScan is pagedSearch that also tells whether the server had more
// entries when each said stop: entries left in the response, or a cookie
// (more pages follow). It never asks for a page only to learn that.
func (ss *session) pagedScan(ctx context.Context, req *goldap.SearchRequest, want int, each func(*goldap.Entry) (stop bool)) ([]goldap.Control, bool, error) {
	paging := goldap.NewControlPaging(uint32(ss.PageSize))
	req.Controls = append(req.Controls, paging)
	var first []goldap.Control
	seen := 0
	for n := 0; ; n++ {
		if want > 0 {
			paging.PagingSize = uint32(max(1, min(ss.PageSize, want-seen)))
		}
		res, err := ss.search(ctx, req)
		if err != nil {
			return nil, false, err
		}
		if n == 0 {
			first = res.Controls
		}
		stop, left := false, false
		seen += len(res.Entries)
		for i, e := range res.Entries {
			if stop = each(e); stop {
				left = i < len(res.Entries)-1
				break
			}
		}
		var cookie []byte
		if pc, ok := goldap.FindControl(res.Controls, goldap.ControlTypePaging).(*goldap.ControlPaging); ok {
			cookie = pc.Cookie
		}
		if len(cookie) == 0 {
			return first, left, nil
		}
		paging.SetCookie(cookie)
		if stop {
			paging.PagingSize = 0
			_, _ = ss.reader().Search(req) // release the server's state; its answer does not matter
			return first, true, nil
		}
	}
}

// ---- ids -------------------------------------------------------------------------------

// formatGUID is the usual string form of a 16-byte objectGUID: its first
// three fields little-endian.
func formatGUID(b []byte) string {
	if len(b) != 16 {
		return hex.EncodeToString(b)
	}
	return fmt.Sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%x-%x", b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8:10], b[10:])
}

// parseGUID is the 16 bytes of a GUID in its string form.
func parseGUID(s string) ([]byte, error) {
	h := strings.ReplaceAll(strings.Trim(strings.TrimSpace(s), "{}"), "-", "")
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != 16 {
		return nil, errs.Newf(errs.NotFound, "Unknown id %q: not a GUID.", s)
	}
	return []byte{b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]}, nil
}

// entryID is an entry's id and its sort key (the bytes the server orders
// by); "" when the entry has no id attribute.
func (c *config) entryID(e *goldap.Entry) (string, []byte) {
	if c.guidIDs() {
		raw := e.GetRawAttributeValue(c.IDAttribute)
		if len(raw) != 16 {
			return "", nil
		}
		return formatGUID(raw), raw
	}
	id := e.GetAttributeValue(c.IDAttribute)
	return id, []byte(strings.ToLower(id))
}

// idKey is the sort key of an id given by a client.
func (c *config) idKey(id string) ([]byte, error) {
	if c.guidIDs() {
		return parseGUID(id)
	}
	if strings.TrimSpace(id) == "" {
		return nil, errs.Newf(errs.NotFound, "Unknown id %q.", id)
	}
	return []byte(strings.ToLower(id)), nil
}

// idValue is an id as an escaped filter assertion value.
func (c *config) idValue(id string) (string, error) {
	if !c.guidIDs() {
		if strings.TrimSpace(id) == "" {
			return "", errs.Newf(errs.NotFound, "Unknown id %q.", id)
		}
		return goldap.EscapeFilter(id), nil
	}
	b, err := parseGUID(id)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for _, x := range b {
		fmt.Fprintf(&sb, `\%02x`, x)
	}
	return sb.String(), nil
}

// ---- sorted pages -------------------------------------------------------------------------

// keyed is an entry with its id and sort key.
type keyed struct {
	id  string
	key []byte
	e   *goldap.Entry
}

// sortControl asks for results ordered by the id attribute.
func (c *config) sortControl() *goldap.ControlServerSideSorting {
	k := &goldap.SortKey{AttributeType: c.IDAttribute}
	if strings.EqualFold(c.IDAttribute, "entryUUID") {
		k.MatchingRule = "UUIDOrderingMatch" // OpenLDAP orders entryUUID only with its ordering rule named
	}
	return goldap.NewControlServerSideSortingWithSortKeys([]*goldap.SortKey{k})
}

// errUnsorted means the server did not sort; the page is read again and
// sorted here.
var errUnsorted = errors.New("ldap: results not sorted by the server")

// sortedPage returns up to n entries of base/filter whose id comes after
// after ("" for the start) and, when upper is set, is at most upper, in id
// order, and whether more follow (in that range). The server sorts when it
// can (the server-side sort control); otherwise every entry of the range is
// read and sorted here.
func (ss *session) sortedPage(ctx context.Context, base, filter, after, upper string, n int, attrs []string) ([]keyed, bool, error) {
	if upper != "" {
		v, err := ss.idValue(upper)
		if err != nil {
			return nil, false, errs.Wrap(err, errs.InvalidPageToken, "The page token's range is not an id of this directory.")
		}
		filter = fmt.Sprintf("(&%s(%s<=%s))", filter, ss.IDAttribute, v)
	}
	var afterKey []byte
	if after != "" {
		v, err := ss.idValue(after)
		if err != nil {
			return nil, false, errs.Wrap(err, errs.InvalidPageToken, "The page token's position is not an id of this directory.")
		}
		filter = fmt.Sprintf("(&%s(%s>=%s)(!(%s=%s)))", filter, ss.IDAttribute, v, ss.IDAttribute, v)
		afterKey, _ = ss.idKey(after)
	}
	attrs = append(slices.Clone(attrs), ss.IDAttribute)
	if ss.noSort && !ss.sortLogged {
		ss.sortLogged = true
		toolkit.Logger(ctx).Debug("ldap: the server does not sort by the id attribute; each page is sorted by the connector", "attribute", ss.IDAttribute)
	}
	if !ss.noSort {
		out, more, err := ss.serverSorted(ctx, base, filter, afterKey, n, attrs)
		if err == nil {
			return out, more, nil
		}
		if !errors.Is(err, errUnsorted) && !goldap.IsErrorAnyOf(err, goldap.LDAPResultInappropriateMatching,
			goldap.LDAPResultUnavailableCriticalExtension, goldap.LDAPResultUnwillingToPerform) {
			return nil, false, err
		}
		ss.noSort = true
	}
	return ss.clientSorted(ctx, base, filter, afterKey, n, attrs)
}

// serverSorted reads n entries with the sort and paged results controls;
// whether more follow is known from the same requests (an entry left in
// the last response, or its cookie), never from one more request.
func (ss *session) serverSorted(ctx context.Context, base, filter string, afterKey []byte, n int, attrs []string) ([]keyed, bool, error) {
	req := goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false, filter, attrs,
		[]goldap.Control{ss.sortControl()})
	var out []keyed
	sorted := true
	// Asking for n+1 costs nothing when it fits in one LDAP page and
	// makes more exact; otherwise the n-th entry's page tells by its cookie.
	ctrls, more, err := ss.pagedScan(ctx, req, n+1, func(e *goldap.Entry) bool {
		id, key := ss.entryID(e)
		if id == "" || bytes.Compare(key, afterKey) <= 0 {
			return false
		}
		if len(out) > 0 && bytes.Compare(key, out[len(out)-1].key) <= 0 {
			sorted = false
			return true
		}
		out = append(out, keyed{id, key, e})
		return len(out) == n
	})
	if err != nil {
		return nil, false, err
	}
	r, ok := goldap.FindControl(ctrls, goldap.ControlTypeServerSideSortingResult).(*goldap.ControlServerSideSortingResult)
	if !sorted || !ok || r.Result != goldap.ControlServerSideSortingCodeSuccess {
		return nil, false, errUnsorted
	}
	return out, more, nil
}

// clientSorted reads every entry after afterKey and keeps the n first in
// id order.
func (ss *session) clientSorted(ctx context.Context, base, filter string, afterKey []byte, n int, attrs []string) ([]keyed, bool, error) {
	req := goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil)
	var out []keyed
	more := false
	cmp := func(a, b keyed) int { return bytes.Compare(a.key, b.key) }
	_, err := ss.pagedSearch(ctx, req, 0, func(e *goldap.Entry) bool {
		id, key := ss.entryID(e)
		if id == "" || bytes.Compare(key, afterKey) <= 0 {
			return false
		}
		out = append(out, keyed{id, key, e})
		if len(out) >= 2*n+64 { // keep memory bounded: only the n first can be returned
			slices.SortFunc(out, cmp)
			out, more = out[:n], true
		}
		return false
	})
	if err != nil {
		return nil, false, err
	}
	slices.SortFunc(out, cmp)
	if len(out) > n {
		out, more = out[:n], true
	}
	return out, more, nil
}

// findByID finds the one entry of base/filter with the id.
func (ss *session) findByID(ctx context.Context, base, filter, id string, attrs []string) (*goldap.Entry, error) {
	v, err := ss.idValue(id)
	if err != nil {
		return nil, err
	}
	req := goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 2, 0, false,
		fmt.Sprintf("(&%s(%s=%s))", filter, ss.IDAttribute, v), append(slices.Clone(attrs), ss.IDAttribute), nil)
	res, err := ss.search(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(res.Entries) != 1 {
		return nil, nil
	}
	return res.Entries[0], nil
}
