package toolkit

import (
	"reflect"
	"testing"

	"github.com/matryer/is"
)

type fieldsInner struct {
	A string `json:"a"`
	b int    //lint:ignore U1000 an unexported field, which visibleFields must list as reflect does
}

type fieldsDeep struct {
	fieldsInner
	C bool
}

type fieldsSelf struct {
	*fieldsSelf //lint:ignore U1000 a cycle through an embedded pointer
	X           int
}

type fieldsHidden struct {
	fieldsInner
	A int // hides fieldsInner.A
}

type fieldsAmbiguous struct {
	fieldsInner
	fieldsDeep // fieldsDeep.fieldsInner.A is deeper: hidden by fieldsInner.A
}

type fieldsPointer struct {
	*fieldsInner
	Z string
}

// TestVisibleFieldsAsReflect: visibleFields gives reflect.VisibleFields's
// answer for plain structs, embedding, pointers, hiding and cycles.
func TestVisibleFieldsAsReflect(t *testing.T) {
	tests := []reflect.Type{
		reflect.TypeFor[struct{}](),
		reflect.TypeFor[fieldsInner](),
		reflect.TypeFor[fieldsDeep](),
		reflect.TypeFor[fieldsSelf](),
		reflect.TypeFor[fieldsHidden](),
		reflect.TypeFor[fieldsAmbiguous](),
		reflect.TypeFor[fieldsPointer](),
		reflect.TypeFor[Request[CreateAccount]](),
		reflect.TypeFor[AuthCredential](),
		reflect.TypeFor[Response[[]FoundAccountData]](),
	}
	for _, typ := range tests {
		t.Run(typ.String(), func(t *testing.T) {
			is := is.New(t)
			is.Equal(visibleFields(typ), reflect.VisibleFields(typ))
		})
	}
}
