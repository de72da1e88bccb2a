package serve

import (
	"bytes"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// This file is the server's metrics registry: counters, a gauge and
// histograms, with or without labels, written in the Prometheus text
// exposition format 0.0.4. It replaces the Prometheus client library, whose
// package initialisers every process of the one lumos binary paid on each
// CLI call; nothing here runs before a server is built.

// metricsContentType is the media type of the text exposition format.
const metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

// Metric types as the "# TYPE" line names them.
const (
	kindCounter   = "counter"
	kindGauge     = "gauge"
	kindHistogram = "histogram"
)

// counter is a monotonic count.
type counter struct{ n atomic.Uint64 }

// Inc adds one.
func (c *counter) Inc() { c.n.Add(1) }

func (c *counter) value() float64 { return float64(c.n.Load()) }

// gauge is a value that goes up and down by whole steps.
type gauge struct{ n atomic.Int64 }

// Inc adds one.
func (g *gauge) Inc() { g.n.Add(1) }

// Dec takes one away.
func (g *gauge) Dec() { g.n.Add(-1) }

func (g *gauge) value() float64 { return float64(g.n.Load()) }

// histogram counts observations in buckets with upper bounds (inclusive);
// the last count is the +Inf bucket. Its lock keeps the buckets, the sum
// and the count consistent with each other in a scrape.
type histogram struct {
	bounds []float64 // sorted, shared by every histogram of a vector
	mu     sync.Mutex
	counts []uint64 // len(bounds)+1, not cumulative
	sum    float64
	count  uint64
}

func newHistogram(bounds []float64) *histogram {
	return &histogram{bounds: bounds, counts: make([]uint64, len(bounds)+1)}
}

// Observe records one value. NaN is counted in +Inf, as Prometheus's own
// client does.
func (h *histogram) Observe(v float64) {
	i, _ := slices.BinarySearch(h.bounds, v) // first bound >= v: le is inclusive
	if math.IsNaN(v) {
		i = len(h.bounds)
	}
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.count++
	h.mu.Unlock()
}

// snapshot is the cumulative bucket counts, the sum and the count.
func (h *histogram) snapshot() (cumulative []uint64, sum float64, count uint64) {
	cumulative = make([]uint64, len(h.counts))
	h.mu.Lock()
	var run uint64
	for i, n := range h.counts {
		run += n
		cumulative[i] = run
	}
	sum, count = h.sum, h.count
	h.mu.Unlock()
	return cumulative, sum, count
}

// labelled is a set of metrics of one kind told apart by label values,
// made on first use and never removed.
type labelled[T any] struct {
	names    []string // as declared; values are given in this order
	byName   []int    // indexes into names, sorted by label name
	fresh    func() *T
	mu       sync.RWMutex
	children map[string]*series[T]
}

// series is one metric of a vector with its label values (declared order).
type series[T any] struct {
	values []string
	metric *T
}

func newLabelled[T any](names []string, fresh func() *T) labelled[T] {
	byName := make([]int, len(names))
	for i := range byName {
		byName[i] = i
	}
	slices.SortFunc(byName, func(a, b int) int { return strings.Compare(names[a], names[b]) })
	return labelled[T]{names: names, byName: byName, fresh: fresh, children: map[string]*series[T]{}}
}

// WithLabelValues is the metric with these label values (in the declared
// order of the label names), made on first use. A wrong number of values is
// a programming error and panics.
func (l *labelled[T]) WithLabelValues(values ...string) *T {
	if len(values) != len(l.names) {
		panic("metrics: " + strconv.Itoa(len(values)) + " label values for " + strconv.Itoa(len(l.names)) + " labels")
	}
	key := strings.Join(values, "\xff")
	l.mu.RLock()
	s, ok := l.children[key]
	l.mu.RUnlock()
	if ok {
		return s.metric
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if s, ok := l.children[key]; ok {
		return s.metric
	}
	s = &series[T]{values: slices.Clone(values), metric: l.fresh()}
	l.children[key] = s
	return s.metric
}

// each calls fn for every series, sorted by label values taken in the order
// of the sorted label names, with the label pairs sorted by name.
func (l *labelled[T]) each(fn func(labels []labelPair, m *T)) {
	l.mu.RLock()
	all := make([]*series[T], 0, len(l.children))
	for _, s := range l.children {
		all = append(all, s)
	}
	l.mu.RUnlock()
	slices.SortFunc(all, func(a, b *series[T]) int {
		for _, i := range l.byName {
			if c := strings.Compare(a.values[i], b.values[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	for _, s := range all {
		pairs := make([]labelPair, len(l.byName))
		for j, i := range l.byName {
			pairs[j] = labelPair{l.names[i], s.values[i]}
		}
		fn(pairs, s.metric)
	}
}

// labelPair is one label of a sample.
type labelPair struct{ name, value string }

// sample is one line of the exposition: the family's name plus a suffix
// (_bucket, _sum, _count or nothing), labels and a value.
type sample struct {
	suffix string
	labels []labelPair
	value  float64
}

// family is a metric family as a scrape sees it.
type family struct {
	name, help, kind string
	samples          []sample
}

// collector adds its families, as they are now, to dst.
type collector interface {
	collect(dst []family) []family
}

// counterMetric is a counter without labels.
type counterMetric struct {
	name, help string
	counter
}

func (c *counterMetric) collect(dst []family) []family {
	return append(dst, family{c.name, c.help, kindCounter, []sample{{value: c.value()}}})
}

// gaugeMetric is a gauge without labels.
type gaugeMetric struct {
	name, help string
	gauge
}

func (g *gaugeMetric) collect(dst []family) []family {
	return append(dst, family{g.name, g.help, kindGauge, []sample{{value: g.value()}}})
}

// counterVec is a counter per set of label values.
type counterVec struct {
	name, help string
	labelled[counter]
}

func newCounterVec(name, help string, labels ...string) *counterVec {
	return &counterVec{name, help, newLabelled(labels, func() *counter { return new(counter) })}
}

func (c *counterVec) collect(dst []family) []family {
	f := family{name: c.name, help: c.help, kind: kindCounter}
	c.each(func(labels []labelPair, m *counter) {
		f.samples = append(f.samples, sample{labels: labels, value: m.value()})
	})
	return append(dst, f)
}

// histogramVec is a histogram per set of label values, all with the same
// bucket bounds.
type histogramVec struct {
	name, help string
	bounds     []float64
	labelled[histogram]
}

func newHistogramVec(name, help string, bounds []float64, labels ...string) *histogramVec {
	bounds = slices.Clone(bounds)
	slices.Sort(bounds)
	return &histogramVec{name, help, bounds, newLabelled(labels, func() *histogram { return newHistogram(bounds) })}
}

func (h *histogramVec) collect(dst []family) []family {
	f := family{name: h.name, help: h.help, kind: kindHistogram}
	h.each(func(labels []labelPair, m *histogram) {
		cumulative, sum, count := m.snapshot()
		for i, n := range cumulative {
			le := math.Inf(+1)
			if i < len(h.bounds) {
				le = h.bounds[i]
			}
			withLE := append(slices.Clip(labels), labelPair{"le", formatFloat(le)})
			f.samples = append(f.samples, sample{suffix: "_bucket", labels: withLE, value: float64(n)})
		}
		f.samples = append(f.samples,
			sample{suffix: "_sum", labels: labels, value: sum},
			sample{suffix: "_count", labels: labels, value: float64(count)})
	})
	return append(dst, f)
}

// registry is the set of collectors one server exposes; it serves them at
// /metrics.
type registry struct {
	collectors []collector
}

func (r *registry) register(cs ...collector) { r.collectors = append(r.collectors, cs...) }

// gather is every family with at least one sample, sorted by name.
func (r *registry) gather() []family {
	var all []family
	for _, c := range r.collectors {
		all = c.collect(all)
	}
	all = slices.DeleteFunc(all, func(f family) bool { return len(f.samples) == 0 })
	slices.SortStableFunc(all, func(a, b family) int { return strings.Compare(a.name, b.name) })
	return all
}

// ServeHTTP writes the families in the text exposition format.
func (r *registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	var b bytes.Buffer
	_ = writeText(&b, r.gather()) // a bytes.Buffer does not fail
	w.Header().Set("Content-Type", metricsContentType)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	_, _ = w.Write(b.Bytes())
}

// writeText writes families in the text exposition format 0.0.4: a HELP and
// a TYPE line per family, then its samples.
func writeText(w io.Writer, families []family) error {
	var b []byte
	for _, f := range families {
		b = append(b, "# HELP "...)
		b = append(b, f.name...)
		b = append(b, ' ')
		b = appendEscaped(b, f.help, false)
		b = append(b, "\n# TYPE "...)
		b = append(b, f.name...)
		b = append(b, ' ')
		b = append(b, f.kind...)
		b = append(b, '\n')
		for _, s := range f.samples {
			b = appendSample(b, f.name, s)
		}
	}
	_, err := w.Write(b)
	return err
}

func appendSample(b []byte, name string, s sample) []byte {
	b = append(b, name...)
	b = append(b, s.suffix...)
	if len(s.labels) > 0 {
		b = append(b, '{')
		for i, l := range s.labels {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, l.name...)
			b = append(b, `="`...)
			b = appendEscaped(b, l.value, true)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = append(b, formatFloat(s.value)...)
	return append(b, '\n')
}

// appendEscaped appends s with backslashes and line feeds escaped, and
// double quotes too in a label value. Bytes that are not UTF-8 become
// U+FFFD, which a parser accepts.
func appendEscaped(b []byte, s string, quote bool) []byte {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// formatFloat writes a value as the format spells it: +Inf, -Inf, NaN or
// the shortest decimal that reads back as the same float.
func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, +1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
