package connectortest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"
)

// decodeJSON decodes one JSON document with numbers kept exact, and puts
// every number in a canonical form, so 1, 1.0 and 1e0 compare equal.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON document")
	}
	return canonical(v), nil
}

func canonical(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, item := range x {
			x[k] = canonical(item)
		}
	case []any:
		for i, item := range x {
			x[i] = canonical(item)
		}
	case json.Number:
		return json.Number(canonicalNumber(string(x)))
	}
	return v
}

// canonicalNumber writes an integer as digits and any other number in
// Go's shortest float form.
func canonicalNumber(s string) string {
	if i, ok := new(big.Int).SetString(s, 10); ok {
		return i.String()
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	if f == float64(int64(f)) && f < 1e18 && f > -1e18 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// pretty writes a decoded JSON value indented, keys sorted, HTML left alone.
func pretty(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonDiff compares two decoded documents; it returns "" when they are
// equal, else a unified diff of their pretty forms (- want, + got).
func jsonDiff(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return unifiedDiff(strings.Split(pretty(want), "\n"), strings.Split(pretty(got), "\n"), 3)
}

// maxDiffCells bounds the LCS table of a diff; larger inputs get a cruder
// diff (common prefix and suffix, then all removed and all added lines).
const maxDiffCells = 4_000_000

// unifiedDiff returns a unified-style diff of a (-) and b (+), with n lines
// of context around each change and "@@ -l,c +l,c @@" hunk headers.
func unifiedDiff(a, b []string, n int) string {
	ops := diffOps(a, b)
	var out strings.Builder
	for _, h := range hunks(ops, n) {
		writeHunk(&out, ops[h[0]:h[1]])
	}
	return strings.TrimSuffix(out.String(), "\n")
}

// diffOp is one line of a diff.
type diffOp struct {
	kind byte // ' ', '-', '+'
	line string
	ai   int // line number in a (1-based) of ' ' and '-'
	bi   int // line number in b (1-based) of ' ' and '+'
}

// diffOps turns a into b, line by line: the common prefix and suffix are
// kept, and what lies between them is diffed by longest common subsequence
// or, when too large for that, removed whole and added whole.
func diffOps(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []diffOp
	for i := 0; i < pre; i++ {
		ops = append(ops, diffOp{' ', a[i], i + 1, i + 1})
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(am)*len(bm) > maxDiffCells {
		ops = append(ops, replaceOps(am, bm, pre)...)
	} else {
		ops = append(ops, lcsOps(am, bm, pre)...)
	}
	for k := 0; k < suf; k++ {
		ops = append(ops, diffOp{' ', a[len(a)-suf+k], len(a) - suf + k + 1, len(b) - suf + k + 1})
	}
	return ops
}

// replaceOps removes all of am and adds all of bm, which start after the
// line offset.
func replaceOps(am, bm []string, offset int) []diffOp {
	ops := make([]diffOp, 0, len(am)+len(bm))
	for i, l := range am {
		ops = append(ops, diffOp{'-', l, offset + i + 1, 0})
	}
	for j, l := range bm {
		ops = append(ops, diffOp{'+', l, 0, offset + j + 1})
	}
	return ops
}

// lcsOps diffs am and bm, which start after the line offset, keeping their
// longest common subsequence.
func lcsOps(am, bm []string, offset int) []diffOp {
	// lcs[i][j] is the LCS length of am[i:] and bm[j:].
	lcs := make([][]int32, len(am)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(bm)+1)
	}
	for i := len(am) - 1; i >= 0; i-- {
		for j := len(bm) - 1; j >= 0; j-- {
			if am[i] == bm[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < len(am) || j < len(bm) {
		switch {
		case i < len(am) && j < len(bm) && am[i] == bm[j]:
			ops = append(ops, diffOp{' ', am[i], offset + i + 1, offset + j + 1})
			i, j = i+1, j+1
		case j < len(bm) && (i == len(am) || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, diffOp{'+', bm[j], 0, offset + j + 1})
			j++
		default:
			ops = append(ops, diffOp{'-', am[i], offset + i + 1, 0})
			i++
		}
	}
	return ops
}

// hunks returns the [start, end) ranges of ops that hold the changes and n
// lines of context around them.
func hunks(ops []diffOp, n int) [][2]int {
	keep := make([]bool, len(ops))
	for k, o := range ops {
		if o.kind != ' ' {
			for m := max(0, k-n); m <= min(len(ops)-1, k+n); m++ {
				keep[m] = true
			}
		}
	}
	var out [][2]int
	for k := 0; k < len(ops); {
		if !keep[k] {
			k++
			continue
		}
		end := k
		for end < len(ops) && keep[end] {
			end++
		}
		out = append(out, [2]int{k, end})
		k = end
	}
	return out
}

// writeHunk writes one hunk: its "@@ -l,c +l,c @@" header, then its lines.
func writeHunk(out *strings.Builder, ops []diffOp) {
	aStart, bStart, aCount, bCount := 0, 0, 0, 0
	for _, o := range ops {
		if o.kind != '+' {
			if aStart == 0 {
				aStart = o.ai
			}
			aCount++
		}
		if o.kind != '-' {
			if bStart == 0 {
				bStart = o.bi
			}
			bCount++
		}
	}
	fmt.Fprintf(out, "@@ -%d,%d +%d,%d @@\n", aStart, aCount, bStart, bCount)
	for _, o := range ops {
		out.WriteByte(o.kind)
		out.WriteByte(' ')
		out.WriteString(o.line)
		out.WriteByte('\n')
	}
}
