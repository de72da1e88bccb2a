package toolkit

import (
	"reflect"
	"slices"
	"strings"
)

// CapabilityInfo describes a capability's contract, for help, `info` and
// spec builders.
type CapabilityInfo struct {
	Name        CapabilityName
	Level       Level
	Summary     string       // one line, for help
	DisplayName string       // the name shown to people, "List Accounts" by default
	Description string       // the registered description, if any
	Request     reflect.Type // the request envelope type
	Response    reflect.Type // the success envelope type
	Custom      bool         // registered by the connector under its own name
}

// Payload is the type of the request's "request" field.
func (c CapabilityInfo) Payload() reflect.Type { return fieldType(c.Request, "Request") }

// Result is the type of the response's "response" field.
func (c CapabilityInfo) Result() reflect.Type { return fieldType(c.Response, "Response") }

func fieldType(t reflect.Type, name string) reflect.Type {
	f, ok := t.FieldByName(name)
	if !ok {
		return nil
	}
	return f.Type
}

func (s *capSpec) info() CapabilityInfo {
	return CapabilityInfo{Name: s.name, Level: s.level, Summary: s.summary, DisplayName: s.name.DisplayName(),
		Request: s.request, Response: s.response}
}

// StandardCapabilities describes every standard capability a connector can
// register (or that lumos provides, like app_info), sorted by name.
func StandardCapabilities() []CapabilityInfo {
	out := make([]CapabilityInfo, 0, len(standard))
	for _, s := range standard {
		if s.request != nil {
			out = append(out, s.info())
		}
	}
	slices.SortFunc(out, func(a, b CapabilityInfo) int { return strings.Compare(string(a.Name), string(b.Name)) })
	return out
}

// CapabilityInfos describes the integration's registered capabilities, sorted by name.
func (in *Integration) CapabilityInfos() []CapabilityInfo {
	names := in.Capabilities()
	out := make([]CapabilityInfo, 0, len(names))
	for _, name := range names {
		c := in.capability(name)
		ci := c.spec.info()
		ci.Summary = in.Summary(name)
		if c.displayName != "" {
			ci.DisplayName = c.displayName
		}
		ci.Description = c.description
		ci.Custom = !name.IsStandard()
		out = append(out, ci)
	}
	return out
}
