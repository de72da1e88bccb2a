package oauthdesc_test

import (
	"errors"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/internal/oauthdesc"
)

type describer string

func (d describer) DescribeOAuth(string) (oauthdesc.Description, bool) {
	return oauthdesc.Description{FlowType: string(d)}, true
}

func TestAttachOncePerIntegration(t *testing.T) {
	is := is.New(t)
	a, b := new(int), new(int) // stand-ins for two integrations
	is.Equal(oauthdesc.Of(a), nil)
	is.NoErr(oauthdesc.Attach(a, describer("CODE_FLOW")))
	is.NoErr(oauthdesc.Attach(b, describer("CLIENT_CREDENTIALS")))
	is.True(errors.Is(oauthdesc.Attach(a, describer("other")), oauthdesc.ErrAttached))
	d, ok := oauthdesc.Of(a).DescribeOAuth("")
	is.True(ok)
	is.Equal(d.FlowType, "CODE_FLOW") // the first describer stays
	d, _ = oauthdesc.Of(b).DescribeOAuth("")
	is.Equal(d.FlowType, "CLIENT_CREDENTIALS")
}
