package ldap

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
	"github.com/matryer/is"
)

// captures are the server's bytes of real searches (slapd and Samba AD),
// written by TestWireMatchesGoLDAP (see captureEnv there), by name.
func captures(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "wire", "*.ber"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures in testdata/wire (%v)", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

// messages splits a capture into its messages.
func messages(t testing.TB, capture []byte) [][]byte {
	t.Helper()
	r := bufio.NewReader(bytes.NewReader(capture))
	var out [][]byte
	for {
		raw, err := readFrame(r)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, raw)
	}
}

// withID is a message with its message id replaced (bytes that are no
// message unchanged).
func withID(raw []byte, id int64) []byte {
	s, _, err := expect(raw, 0, tagSequence, "")
	if err != nil {
		return raw
	}
	_, ie, err := expect(raw, s, tagInteger, "")
	if err != nil {
		return raw
	}
	body := append(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, id, "").Bytes(), raw[ie:]...)
	env := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "")
	env.Data.Write(body)
	hdr := env.Bytes() // the header of an empty SEQUENCE; its length is rewritten below
	return append(append([]byte{hdr[0]}, berLength(len(body))...), body...)
}

// berLength is a definite BER length.
func berLength(n int) []byte {
	if n < 0x80 {
		return []byte{byte(n)}
	}
	var b []byte
	for x := n; x > 0; x >>= 8 {
		b = append([]byte{byte(x)}, b...)
	}
	return append([]byte{0x80 | byte(len(b))}, b...)
}

// replay is a fake directory on loopback: it accepts any simple bind and
// answers every search with the messages of capture (their ids made the
// search's). It returns its ldap:// URL.
func replay(t testing.TB, capture [][]byte) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	var mu sync.Mutex
	byID := map[int64][]byte{}
	answer := func(id int64) []byte {
		mu.Lock()
		defer mu.Unlock()
		if b, ok := byID[id]; ok {
			return b
		}
		var b []byte
		for _, m := range capture {
			b = append(b, withID(m, id)...)
		}
		byID[id] = b
		return b
	}
	serve := func(c net.Conn) {
		defer c.Close()
		r := bufio.NewReader(c)
		for {
			p, err := ber.ReadPacket(r)
			if err != nil || len(p.Children) < 2 {
				return
			}
			id, _ := p.Children[0].Value.(int64)
			switch p.Children[1].Tag {
			case goldap.ApplicationBindRequest:
				ok := []byte{0x30, 0x0c, 0x02, 0x01, byte(id), 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00}
				_, err = c.Write(ok)
			case goldap.ApplicationSearchRequest:
				_, err = c.Write(answer(id))
			default:
				return
			}
			if err != nil {
				return
			}
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); serve(c) }()
		}
	}()
	return "ldap://" + l.Addr().String()
}

// replayed runs one search against a replay server with go-ldap and with
// the connector's reader.
type replayed struct {
	url  string
	conf *config
}

func newReplayed(t testing.TB, capture [][]byte) replayed {
	t.Helper()
	u := replay(t, capture)
	return replayed{url: u, conf: &config{Settings: Settings{URL: u, Timeout: 5}}}
}

// anySearch is the request sent to a replay server (which ignores it).
func anySearch() *goldap.SearchRequest {
	return goldap.NewSearchRequest("dc=example,dc=com", goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", nil, nil)
}

func (r replayed) goLDAP() (*goldap.SearchResult, error) {
	c, err := goldap.DialURL(r.url)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := c.Bind("cn=x", "y"); err != nil {
		return nil, err
	}
	return c.Search(anySearch())
}

func (r replayed) wire() (*goldap.SearchResult, error) {
	ctx := context.Background()
	w, err := dialWire(ctx, r.conf, callTimeout(ctx, r.conf))
	if err != nil {
		return nil, err
	}
	defer w.Close()
	if err := w.bind("cn=x", "y"); err != nil {
		return nil, err
	}
	return w.Search(anySearch())
}

// TestWireReplay feeds the same captured bytes to go-ldap's Search and to
// the connector's reader: every entry (DN, attributes in order, values and
// byte values), reference, control (paging cookies included) and error is
// the same.
func TestWireReplay(t *testing.T) {
	for name, capture := range captures(t) {
		t.Run(name, func(t *testing.T) {
			is := is.New(t)
			r := newReplayed(t, messages(t, capture))
			want, wantErr := r.goLDAP()
			got, gotErr := r.wire()
			is.NoErr(wantErr)
			is.NoErr(gotErr)
			is.True(len(want.Entries)+len(want.Referrals) > 0)
			is.True(reflect.DeepEqual(got.Entries, want.Entries))
			is.Equal(got.Referrals, want.Referrals)
			is.True(reflect.DeepEqual(got.Controls, want.Controls))
		})
	}
}

// TestReadMessageRefuses gives the reader broken and hostile messages: each
// is an error (a network-class *goldap.Error), never a panic, and a
// truncated message never reads as a whole one.
func TestReadMessageRefuses(t *testing.T) {
	entry := messages(t, captures(t)["slapd-operational.ber"])[0]
	cases := []struct {
		name string
		b    []byte
	}{
		{"not_a_sequence", []byte{0x31, 0x03, 0x02, 0x01, 0x01}},
		{"indefinite_length", []byte{0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00}},
		{"length_of_9_bytes", []byte{0x30, 0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"over_64MiB", []byte{0x30, 0x84, 0x04, 0x00, 0x00, 0x01}},
		{"huge_claim_few_bytes", []byte{0x30, 0x84, 0x03, 0xff, 0xff, 0xff, 0x02, 0x01}},
		{"message_id_negative", []byte{0x30, 0x05, 0x02, 0x01, 0x80, 0x65, 0x00}},
		{"message_id_9_bytes", []byte{0x30, 0x0d, 0x02, 0x09, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0x65, 0x00}},
		{"no_operation", []byte{0x30, 0x03, 0x02, 0x01, 0x01}},
		{"entry_without_attributes", []byte{0x30, 0x08, 0x02, 0x01, 0x01, 0x64, 0x03, 0x04, 0x01, 'x'}},
		{"entry_name_not_a_string", []byte{0x30, 0x0a, 0x02, 0x01, 0x01, 0x64, 0x05, 0x02, 0x01, 0x01, 0x30, 0x00}},
		{"value_not_in_a_set", []byte{0x30, 0x12, 0x02, 0x01, 0x01, 0x64, 0x0d, 0x04, 0x01, 'x', 0x30, 0x08, 0x30, 0x06, 0x04, 0x01, 'a', 0x30, 0x01, 0x00}},
		{"value_overruns_set", []byte{0x30, 0x14, 0x02, 0x01, 0x01, 0x64, 0x0f, 0x04, 0x01, 'x', 0x30, 0x0a, 0x30, 0x08, 0x04, 0x01, 'a', 0x31, 0x03, 0x04, 0x03, 'v'}},
		{"high_tag_number", []byte{0x30, 0x07, 0x02, 0x01, 0x01, 0x7f, 0x81, 0x01, 0x00}},
	}
	for cut := 1; cut < len(entry); cut += max(1, len(entry)/40) {
		cases = append(cases, struct {
			name string
			b    []byte
		}{fmt.Sprintf("truncated_at_%d", cut), entry[:cut]})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			m, err := readMessage(bufio.NewReader(bytes.NewReader(c.b)))
			is.True(err != nil) // refused
			is.True(m.entry == nil)
			var le *goldap.Error
			is.True(errors.As(err, &le) && le.ResultCode == goldap.ErrorNetwork || errors.Is(err, io.ErrUnexpectedEOF))
		})
	}
}

// TestWireStalledServer: a server that sends part of a message and then
// nothing makes the search fail within the timeout, not hang.
func TestWireStalledServer(t *testing.T) {
	is := is.New(t)
	entry := messages(t, captures(t)["slapd-operational.ber"])[0]
	r := newReplayed(t, [][]byte{entry[:len(entry)/2]})
	r.conf.Timeout = 1
	start := time.Now()
	_, err := r.wire()
	is.True(err != nil)
	is.True(goldap.IsErrorWithCode(err, goldap.ErrorNetwork))
	is.True(time.Since(start) < 5*time.Second)
}

// FuzzReadMessage reads arbitrary bytes as LDAP messages: never a panic,
// and an entry the reader accepts is accepted by asn1-ber too and equals
// the one go-ldap's way builds from the same bytes.
func FuzzReadMessage(f *testing.F) {
	for _, capture := range captures(f) {
		ms := messages(f, capture)
		for i, m := range ms {
			if i < 4 || i == len(ms)-1 {
				f.Add(m)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReader(bytes.NewReader(b))
		for range 8 {
			m, err := readMessage(r)
			if err != nil {
				return
			}
			if m.op != opSearchEntry {
				continue
			}
			p, err := ber.DecodePacketErr(m.raw)
			if err != nil {
				t.Fatalf("accepted an entry asn1-ber refuses: %v", err)
			}
			want, err := entryFromPacket(p)
			if err != nil {
				t.Fatalf("accepted an entry go-ldap's way refuses: %v", err)
			}
			if !reflect.DeepEqual(m.entry, want) {
				t.Fatalf("entry %+v, go-ldap's way %+v", m.entry, want)
			}
		}
	})
}

// BenchmarkSearchDecode runs the same search, a captured page of 1,000
// slapd entries replayed by a loopback server, with go-ldap's Search and
// with the connector's reader, alternately in each iteration, and reports
// the time and allocations of each and the ratio go-ldap / reader.
//
//	go test ./connectors/ldap -run '^$' -bench SearchDecode
func BenchmarkSearchDecode(b *testing.B) {
	r := newReplayed(b, messages(b, captures(b)["slapd-people.ber"]))
	var goTime, wireTime time.Duration
	var goAllocs, wireAllocs uint64
	measure := func(search func() (*goldap.SearchResult, error), d *time.Duration, allocs *uint64) {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		start := time.Now()
		res, err := search()
		*d += time.Since(start)
		runtime.ReadMemStats(&m1)
		*allocs += m1.Mallocs - m0.Mallocs
		if err != nil || len(res.Entries) != 1000 {
			b.Fatalf("%d entries, %v", len(res.Entries), err)
		}
	}
	for b.Loop() {
		measure(r.goLDAP, &goTime, &goAllocs)
		measure(r.wire, &wireTime, &wireAllocs)
	}
	n := float64(b.N)
	b.ReportMetric(float64(goTime.Microseconds())/1000/n, "goldap-ms")
	b.ReportMetric(float64(wireTime.Microseconds())/1000/n, "wire-ms")
	b.ReportMetric(float64(goTime)/float64(wireTime), "ratio")
	b.ReportMetric(float64(goAllocs)/n, "goldap-allocs")
	b.ReportMetric(float64(wireAllocs)/n, "wire-allocs")
}
