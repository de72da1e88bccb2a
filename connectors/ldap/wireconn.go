package ldap

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// wireConn is the connection a session reads through: one LDAPv3
// connection of the connector's own, one request at a time, whose search
// result entries are decoded by decodeEntry (see wire.go). Its errors are
// *goldap.Error, as go-ldap's are.
type wireConn struct {
	ctx     context.Context // the call's: its deadline bounds every request
	timeout time.Duration   // the bound of each request
	mu      sync.Mutex      // one request at a time
	raw     net.Conn        // the network connection, closed by abort
	conn    net.Conn        // raw, or the TLS connection over it
	r       *bufio.Reader
	lastID  int64
	broken  error // set after an I/O or framing failure: every later request fails with it
	closed  sync.Once
}

// dialWire connects to the directory at c.URL (TLS for ldaps://, with
// StartTLS when the settings ask) within timeout and ctx; the connection
// is closed when ctx ends.
func dialWire(ctx context.Context, c *config, timeout time.Duration) (*wireConn, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		return nil, goldap.NewError(goldap.ErrorNetwork, err)
	}
	port := u.Port()
	if port == "" {
		port = goldap.DefaultLdapPort
		if u.Scheme == "ldaps" {
			port = goldap.DefaultLdapsPort
		}
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	d := &net.Dialer{Timeout: timeout}
	var nc net.Conn
	if u.Scheme == "ldaps" {
		nc, err = (&tls.Dialer{NetDialer: d, Config: c.tls}).DialContext(ctx, "tcp", addr)
	} else {
		nc, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, goldap.NewError(goldap.ErrorNetwork, err)
	}
	w := &wireConn{ctx: ctx, timeout: timeout, raw: nc, conn: nc, r: bufio.NewReaderSize(nc, 64<<10)}
	context.AfterFunc(ctx, w.abort)
	if c.StartTLS {
		if err := w.startTLS(c.tls); err != nil {
			w.abort()
			return nil, err
		}
	}
	return w, nil
}

// deadline bounds the next request: timeout from now, or the call's
// deadline when sooner.
func (w *wireConn) deadline() {
	d := time.Now().Add(w.timeout)
	if cd, ok := w.ctx.Deadline(); ok && cd.Before(d) {
		d = cd
	}
	_ = w.conn.SetDeadline(d)
}

// fail marks the connection broken by err (an I/O or framing failure) and
// returns err as an LDAP network error.
func (w *wireConn) fail(err error) error {
	var le *goldap.Error
	if !errors.As(err, &le) {
		if cerr := w.ctx.Err(); cerr != nil && errors.Is(err, net.ErrClosed) {
			err = fmt.Errorf("%w (%w)", err, cerr)
		}
		err = goldap.NewError(goldap.ErrorNetwork, err)
	}
	w.broken = err
	return err
}

// send writes one request: the operation op with controls, under the next
// message id, which it returns.
func (w *wireConn) send(op *ber.Packet, controls []goldap.Control) (int64, error) {
	if w.broken != nil {
		return 0, w.broken
	}
	w.lastID++
	env := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	env.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, w.lastID, ""))
	env.AppendChild(op)
	if len(controls) > 0 {
		cs := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "")
		for _, c := range controls {
			cs.AppendChild(c.Encode())
		}
		env.AppendChild(cs)
	}
	w.deadline()
	if _, err := w.conn.Write(env.Bytes()); err != nil {
		return 0, w.fail(err)
	}
	return w.lastID, nil
}

// receive reads the next message answering id. Messages of other ids (a
// request given up earlier) are skipped; a notice of disconnection (id 0)
// ends the connection.
func (w *wireConn) receive(id int64) (message, error) {
	for {
		m, err := readMessage(w.r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("ldap: the server closed the connection")
			}
			return message{}, w.fail(err)
		}
		if m.id == id {
			return m, nil
		}
		if m.id == 0 && m.op == opExtendedResp {
			err := errors.New("ldap: the server ended the connection (notice of disconnection)")
			if p, perr := m.packet(); perr == nil {
				if lerr := goldap.GetLDAPError(p); lerr != nil {
					err = lerr
				}
			}
			return message{}, w.fail(err)
		}
	}
}

// result reads the answer of a request answered by one message of the
// operation op, and returns it decoded by asn1-ber with its LDAP error.
func (w *wireConn) result(id int64, op byte) (*ber.Packet, error) {
	m, err := w.receive(id)
	if err != nil {
		return nil, err
	}
	if m.op != op {
		return nil, w.fail(malformed("answer 0x%02x to a request answered by 0x%02x", m.op, op))
	}
	p, err := m.packet()
	if err != nil {
		return nil, w.fail(err)
	}
	return p, goldap.GetLDAPError(p)
}

// startTLS upgrades the connection (RFC 4511 §4.14).
func (w *wireConn) startTLS(cfg *tls.Config) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, goldap.ApplicationExtendedRequest, nil, "")
	op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, "1.3.6.1.4.1.1466.20037", ""))
	id, err := w.send(op, nil)
	if err != nil {
		return err
	}
	if _, err := w.result(id, opExtendedResp); err != nil {
		return err
	}
	tc := tls.Client(w.conn, cfg)
	if err := tc.HandshakeContext(w.ctx); err != nil {
		return w.fail(fmt.Errorf("TLS handshake failed (%w)", err))
	}
	w.conn, w.r = tc, bufio.NewReaderSize(tc, 64<<10)
	return nil
}

// bind is a simple bind (RFC 4511 §4.2). The password goes only into the
// request's bytes, never into an error.
func (w *wireConn) bind(user, password string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if password == "" {
		return goldap.NewError(goldap.ErrorEmptyPassword, errors.New("ldap: empty password not allowed by the client"))
	}
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, goldap.ApplicationBindRequest, nil, "")
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 3, ""))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, user, ""))
	op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, password, ""))
	id, err := w.send(op, nil)
	if err != nil {
		return err
	}
	_, err = w.result(id, opBindResponse)
	return err
}

// Search runs one search request to its end and returns what go-ldap's
// Conn.Search returns: the entries, the references' URLs and the controls
// of the result, and the result's error (with what was read before it).
func (w *wireConn) Search(req *goldap.SearchRequest) (*goldap.SearchResult, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	op, err := searchOp(req)
	if err != nil {
		return nil, err
	}
	id, err := w.send(op, req.Controls)
	if err != nil {
		return nil, err
	}
	res := &goldap.SearchResult{Entries: []*goldap.Entry{}, Referrals: []string{}, Controls: []goldap.Control{}}
	for {
		m, err := w.receive(id)
		if err != nil {
			return res, err
		}
		switch m.op {
		case opSearchEntry:
			res.Entries = append(res.Entries, m.entry)
		case opSearchReference:
			p, err := m.packet()
			if err != nil {
				return res, w.fail(err)
			}
			if len(p.Children) > 1 && len(p.Children[1].Children) > 0 {
				if s, ok := p.Children[1].Children[0].Value.(string); ok {
					res.Referrals = append(res.Referrals, s)
				}
			}
		case opSearchDone:
			return w.done(m, res)
		}
		// Other operations (intermediate responses) are not for a search: skipped.
	}
}

// done reads a SearchResultDone into res: its error, else its controls.
func (w *wireConn) done(m message, res *goldap.SearchResult) (*goldap.SearchResult, error) {
	p, err := m.packet()
	if err != nil {
		return res, w.fail(err)
	}
	if err := goldap.GetLDAPError(p); err != nil {
		var le *goldap.Error
		if errors.As(err, &le) {
			res.ResultCode = le.ResultCode
		}
		return res, err
	}
	if len(p.Children) > 2 {
		for _, c := range p.Children[2].Children {
			dc, err := goldap.DecodeControl(c)
			if err != nil {
				return res, goldap.NewError(goldap.ErrorUnexpectedResponse, fmt.Errorf("failed to decode child control: %w", err))
			}
			res.Controls = append(res.Controls, dc)
		}
	}
	return res, nil
}

// searchOp encodes a SearchRequest operation (RFC 4511 §4.5.1).
func searchOp(req *goldap.SearchRequest) (*ber.Packet, error) {
	filter, err := goldap.CompileFilter(req.Filter)
	if err != nil {
		return nil, err
	}
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, goldap.ApplicationSearchRequest, nil, "")
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, req.BaseDN, ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, uint64(req.Scope), ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, uint64(req.DerefAliases), ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, uint64(req.SizeLimit), ""))
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, uint64(req.TimeLimit), ""))
	op.AppendChild(ber.NewBoolean(ber.ClassUniversal, ber.TypePrimitive, ber.TagBoolean, req.TypesOnly, ""))
	op.AppendChild(filter)
	attrs := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	for _, a := range req.Attributes {
		attrs.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a, ""))
	}
	op.AppendChild(attrs)
	return op, nil
}

// Close unbinds (RFC 4511 §4.3) and closes the connection.
func (w *wireConn) Close() {
	w.closed.Do(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.broken == nil {
			w.lastID++
			unbind := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
			unbind.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, w.lastID, ""))
			unbind.AppendChild(ber.Encode(ber.ClassApplication, ber.TypePrimitive, goldap.ApplicationUnbindRequest, nil, ""))
			_ = w.conn.SetDeadline(time.Now().Add(time.Second))
			_, _ = w.conn.Write(unbind.Bytes())
		}
		_ = w.conn.Close()
	})
}

// abort closes the connection at once (the call's context ended): a
// request in progress fails.
func (w *wireConn) abort() {
	w.closed.Do(func() { _ = w.raw.Close() })
}
