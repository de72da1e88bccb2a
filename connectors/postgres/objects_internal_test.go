package postgres

import (
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
)

// TestObjectIDs reads sequence and function ids back: what is accepted
// is the object's one canonical id and names a privilege of its kind;
// anything else (a signature, a name, a missing or extra part, another
// spelling of an OID) is not_found.
func TestObjectIDs(t *testing.T) {
	for _, c := range []struct {
		id, resource string
		want         entitlement // zero when refused
	}{
		{"sequence:16384:16500:USAGE", "sequence:16384:16500", entitlement{Object: object{Kind: ResourceTypeSequence, DB: 16384, OID: 16500}, Privilege: "USAGE"}},
		{"sequence:16384:16500:select", "sequence:16384:16500", entitlement{Object: object{Kind: ResourceTypeSequence, DB: 16384, OID: 16500}, Privilege: "SELECT"}},
		{"sequence:1:2:Update", "sequence:1:2", entitlement{Object: object{Kind: ResourceTypeSequence, DB: 1, OID: 2}, Privilege: "UPDATE"}},
		{"function:16384:4294967295:EXECUTE", "function:16384:4294967295", entitlement{Object: object{Kind: ResourceTypeFunction, DB: 16384, OID: 4294967295}, Privilege: "EXECUTE"}},
		{"function:5:17000:execute", "function:5:17000", entitlement{Object: object{Kind: ResourceTypeFunction, DB: 5, OID: 17000}, Privilege: "EXECUTE"}},
		{"sequence:1:2:EXECUTE", "sequence:1:2", entitlement{}},
		{"sequence:1:2:TRUNCATE", "sequence:1:2", entitlement{}},
		{"function:1:2:USAGE", "function:1:2", entitlement{}},
		{"function:1:2:SELECT", "function:1:2", entitlement{}},
		{"function:1:2(integer):EXECUTE", "function:1:2(integer)", entitlement{}},
		{"function:1:public.f(integer):EXECUTE", "function:1:public.f(integer)", entitlement{}},
		{"function:1:EXECUTE", "function:1", entitlement{}},
		{"function:1:2:3:EXECUTE", "function:1:2:3", entitlement{}},
		{"function:01:2:EXECUTE", "function:01:2", entitlement{}},
		{"function:1:0:EXECUTE", "function:1:0", entitlement{}},
		{"function:1:+2:EXECUTE", "function:1:+2", entitlement{}},
		{"Function:1:2:EXECUTE", "Function:1:2", entitlement{}},
		{"routine:1:2:EXECUTE", "routine:1:2", entitlement{}},
		{"function:1:2:EXECUTE", "function:1:3", entitlement{}},
		{"function:1:2:EXECUTE", "sequence:1:2", entitlement{}},
		{"sequence:1:2:USAGE", "table:1:2", entitlement{}},
		{"function:1:2:EXECUTE ", "function:1:2", entitlement{}},
	} {
		t.Run(c.id+"@"+c.resource, func(t *testing.T) {
			is := is.New(t)
			e, err := parseEntitlementID(c.id, c.resource)
			if c.want == (entitlement{}) {
				code, _ := errs.CodeOf(err)
				is.Equal(code, errs.NotFound)
				return
			}
			is.NoErr(err)
			is.Equal(e, c.want)
			is.Equal(e.Object.id(), c.resource)                                                      // the resource id is canonical
			is.Equal(privilegeEntitlementID(e.Object, e.Privilege), c.resource+":"+c.want.Privilege) // written back in upper case
			o, err := parseResourceID(c.resource)
			is.NoErr(err)
			is.Equal(o, c.want.Object)
		})
	}
}

// readQuoted reads one double-quoted identifier at the start of s (inner
// quotes doubled) and returns its text and the rest of s; ok is false
// when s does not start with one.
func readQuoted(s string) (name, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '"' && i+1 < len(s) && s[i+1] == '"':
			b.WriteByte('"')
			i++
		case s[i] == '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", s, false
}

// readQualified reads "schema"."name" at the start of s.
func readQualified(s string) (schema, name, rest string, ok bool) {
	schema, rest, ok1 := readQuoted(s)
	rest, ok2 := strings.CutPrefix(rest, ".")
	name, rest, ok3 := readQuoted(rest)
	return schema, name, rest, ok1 && ok2 && ok3
}

// parseClause reads a clause written by signature.clause back into the
// names it holds, or fails when it has any other shape.
func parseClause(t *testing.T, clause string) signature {
	t.Helper()
	rest, ok := strings.CutPrefix(clause, "ROUTINE ")
	schema, name, rest, ok2 := readQualified(rest)
	rest, ok3 := strings.CutPrefix(rest, "(")
	if !ok || !ok2 || !ok3 {
		t.Fatalf("clause %q does not start ROUTINE \"schema\".\"name\"(", clause)
	}
	sig := signature{schema: schema, name: name, typeNS: []string{}, typeNam: []string{}}
	for rest != ")" {
		if len(sig.typeNS) > 0 {
			var ok bool
			if rest, ok = strings.CutPrefix(rest, ", "); !ok {
				t.Fatalf("clause %q: %q where a comma was expected", clause, rest)
			}
		}
		ns, typ, after, ok := readQualified(rest)
		if !ok {
			t.Fatalf("clause %q: %q where a quoted type was expected", clause, rest)
		}
		sig.typeNS, sig.typeNam, rest = append(sig.typeNS, ns), append(sig.typeNam, typ), after
	}
	sig.nargs = int16(len(sig.typeNS))
	return sig
}

// TestSignatureClause names functions with hostile names and argument
// types as GRANT does, each part quoted and read back intact, and refuses
// a signature whose types were not all read.
func TestSignatureClause(t *testing.T) {
	for _, c := range []struct {
		sig  signature
		want string
	}{
		{signature{schema: "public", name: "f", typeNS: []string{}, typeNam: []string{}}, `ROUTINE "public"."f"()`},
		{signature{schema: "app", name: "f", nargs: 2, typeNS: []string{"pg_catalog", "pg_catalog"}, typeNam: []string{"int4", "_text"}},
			`ROUTINE "app"."f"("pg_catalog"."int4", "pg_catalog"."_text")`},
		{signature{schema: `we.ird "s"`, name: `f"); DROP ROLE x; --`, nargs: 1, typeNS: []string{`s"`}, typeNam: []string{"my type"}},
			`ROUTINE "we.ird ""s"""."f""); DROP ROLE x; --"("s"""."my type")`},
		{signature{schema: "ü 名前", name: "select", nargs: 1, typeNS: []string{"pg_catalog"}, typeNam: []string{"char"}},
			`ROUTINE "ü 名前"."select"("pg_catalog"."char")`},
	} {
		t.Run(c.want, func(t *testing.T) {
			is := is.New(t)
			got, err := c.sig.clause()
			is.NoErr(err)
			is.Equal(got, c.want)
			is.Equal(parseClause(t, got), c.sig)
		})
	}
	_, err := signature{schema: "s", name: "f", nargs: 2, typeNS: []string{"pg_catalog"}, typeNam: []string{"int4"}}.clause()
	code, _ := errs.CodeOf(err)
	is.New(t).Equal(code, errs.APIError) // a type that could not be read is never left out
}

// FuzzSignatureClause writes a clause from any names: it reads back as
// exactly those names (none closes its quotes early, so no name is SQL).
func FuzzSignatureClause(f *testing.F) {
	for _, seed := range [][4]string{
		{"public", "f", "pg_catalog", "int4"}, {`a"b`, `"`, `""`, `"."`}, {"", "", "", ""}, {`x"; DROP ROLE y; --`, "f(", ")", ","},
		{"ü", "名前", "pg_catalog", "_text"}, {`"`, `."`, `"(`, `") TO PUBLIC; --`},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, schema, name, typeNS, typeName string) {
		if strings.ContainsRune(schema+name+typeNS+typeName, 0) {
			return // catalog names never hold NUL
		}
		for _, n := range []int{0, 1, 3} {
			sig := signature{schema: schema, name: name, nargs: int16(n), typeNS: []string{}, typeNam: []string{}}
			for range n {
				sig.typeNS, sig.typeNam = append(sig.typeNS, typeNS), append(sig.typeNam, typeName)
			}
			clause, err := sig.clause()
			if err != nil {
				t.Fatalf("%+v: %v", sig, err)
			}
			if got := parseClause(t, clause); got.schema != sig.schema || got.name != sig.name || strings.Join(got.typeNS, "\x00") != strings.Join(sig.typeNS, "\x00") ||
				strings.Join(got.typeNam, "\x00") != strings.Join(sig.typeNam, "\x00") || got.nargs != sig.nargs {
				t.Fatalf("%+v written as %q reads back as %+v", sig, clause, got)
			}
		}
	})
}
