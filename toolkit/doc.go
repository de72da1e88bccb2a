// Package toolkit is the core of lumos: the wire models of the Lumos
// connector protocol, the integration declaration a connector builds, typed
// capability registration, the process-wide connector registry, the request
// dispatch pipeline and the reflection that derives JSON schemas and `info`
// from Go types.
//
// A connector declares itself with NewIntegration, attaches plain Go
// functions with Handle, and registers from init with Register:
//
//	var integration = toolkit.NewIntegration(toolkit.Declaration{AppID: "demo", ...})
//
//	func init() {
//		integration.Handle(toolkit.ValidateCredentials, validateCredentials)
//		toolkit.Register(integration)
//	}
//
// Dispatch turns one JSON request into one JSON response document, exactly
// as the Python SDK does, so a Lumos agent cannot tell the two apart.
package toolkit
