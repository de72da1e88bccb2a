// Package toolkit is the core of lumos: the wire models of the Lumos
// connector protocol, the integration declaration a connector builds, typed
// capability registration, the process-wide connector registry, the request
// dispatch pipeline and the reflection that derives JSON schemas, `info`
// and app_info from Go types.
//
// A connector declares itself with NewIntegration, attaches plain Go
// functions with Handle (the compiler checks each against its capability's
// request and response types), and registers from init with Register:
//
//	var Integration = toolkit.NewIntegration(toolkit.Declaration{
//		AppID: "demo", Version: "1.0.0", Auth: toolkit.AuthToken,
//	})
//
//	func validateCredentials(ctx context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
//		...
//	}
//
//	func init() {
//		toolkit.Handle(Integration, toolkit.CapValidateCredentials, validateCredentials)
//		toolkit.Register(Integration)
//	}
//
// Dispatch turns one JSON request into one JSON response document, exactly
// as the Python SDK does, so a Lumos agent cannot tell the two apart. The
// runnable examples below show both.
package toolkit
