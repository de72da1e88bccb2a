package errs

// The error codes of the newer protocol (connector-sdk-types after 0.37,
// its ConnectorErrorCode) that the 0.37 protocol does not have. The other
// twenty codes of that set are the 0.37 codes of the same wire value.
const (
	// Conflict: the change asked for clashes with the upstream's current
	// state (the thing already exists, a version moved on).
	Conflict ErrorCode = "conflict"
	// BudgetExhausted: the call ran out of what it was allowed to spend
	// (its time, upstream requests or bytes) before it finished.
	BudgetExhausted ErrorCode = "budget_exhausted"
)

// currentCodes is the newer protocol's code set, in the order of its
// classification tables.
var currentCodes = []ErrorCode{
	BadRequest, InvalidValue, UnknownValue, NotFound, Conflict, InvalidPageToken,
	IntegrationMissingParameter, UnsupportedOperation, Unauthorized, AuthenticationExpired,
	CredsRevoked, PermissionDenied, RateLimit, BadGateway, ServiceError, RequestTimeout,
	BudgetExhausted, ConnectionTimeout, ConnectionRejected, ConnectionClosed, InternalError,
	InvalidResponse,
}

// CurrentCodes returns the 22 error codes of the newer protocol, which
// replaced api_error, client_call_error, not_implemented, unexpected_error
// and unauthenticated and added conflict and budget_exhausted.
func CurrentCodes() []ErrorCode { return append([]ErrorCode(nil), currentCodes...) }

// IsCurrent reports whether c belongs to the newer protocol's code set.
func (c ErrorCode) IsCurrent() bool {
	for _, k := range currentCodes {
		if k == c {
			return true
		}
	}
	return false
}

// Current translates c into the newer protocol's code set, as the
// reference SDK does with the codes it deprecated: api_error and
// client_call_error become invalid_response, not_implemented
// unsupported_operation, unexpected_error internal_error, unauthenticated
// unauthorized. A code of the newer set is returned unchanged; any other
// value becomes internal_error.
func Current(c ErrorCode) ErrorCode {
	switch c {
	case APIError, ClientCallError:
		return InvalidResponse
	case NotImplemented:
		return UnsupportedOperation
	case UnexpectedError:
		return InternalError
	case Unauthenticated:
		return Unauthorized
	}
	if c.IsCurrent() {
		return c
	}
	return InternalError
}

// Legacy translates c into the 0.37 code set, for a caller that speaks
// 0.37: conflict becomes bad_request and budget_exhausted api_error (the
// code lumos answered a spent budget with before budget_exhausted
// existed); every 0.37 code is returned unchanged. This direction is
// lumos's own choice: the reference SDK never translates back.
func Legacy(c ErrorCode) ErrorCode {
	switch c {
	case Conflict:
		return BadRequest
	case BudgetExhausted:
		return APIError
	}
	return c
}

// Fault says whose side an error is on, in error_metadata.
type Fault string

// The faults of error_metadata.
const (
	FaultCaller         Fault = "caller"         // the request was wrong
	FaultConnector      Fault = "connector"      // the connector failed or cannot do it
	FaultUpstream       Fault = "upstream"       // the upstream system refused or failed
	FaultInfrastructure Fault = "infrastructure" // the network between them failed
	FaultUnknown        Fault = "unknown"        // not classified
)

// Category says what kind of remedy an error calls for, in error_metadata.
type Category string

// The categories of error_metadata.
const (
	CategoryClient         Category = "client"         // fix the request
	CategoryAuthentication Category = "authentication" // refresh or replace the credential
	CategoryAuthorization  Category = "authorization"  // grant the credential more rights
	CategoryTransient      Category = "transient"      // try again later
	CategoryInternal       Category = "internal"       // a defect or a missing feature
)

// Metadata is the error_metadata the newer protocol adds to every error:
// a classification derived from the error code, and an optional hint.
type Metadata struct {
	Fault       Fault    `json:"fault" required:"true" description:"Whose side the failure is on."`
	Category    Category `json:"category" required:"true" description:"What kind of remedy the failure calls for."`
	Retryable   bool     `json:"retryable" required:"true" description:"Whether trying again may succeed."`
	Throttled   bool     `json:"throttled" required:"true" description:"Whether a retry must respect a rate limit's wait."`
	Refreshable bool     `json:"refreshable" required:"true" description:"Whether refreshing or replacing the credential may help."`
	Hint        *string  `json:"hint" description:"How an operator may remedy the failure, when known."`
}

// classification is the fault and category of each code of the newer set.
var classification = map[ErrorCode]struct {
	fault    Fault
	category Category
}{
	BadRequest:                  {FaultCaller, CategoryClient},
	InvalidValue:                {FaultCaller, CategoryClient},
	UnknownValue:                {FaultCaller, CategoryClient},
	NotFound:                    {FaultCaller, CategoryClient},
	Conflict:                    {FaultCaller, CategoryClient},
	InvalidPageToken:            {FaultCaller, CategoryClient},
	IntegrationMissingParameter: {FaultCaller, CategoryClient},
	UnsupportedOperation:        {FaultConnector, CategoryInternal},
	Unauthorized:                {FaultUpstream, CategoryAuthentication},
	AuthenticationExpired:       {FaultUpstream, CategoryAuthentication},
	CredsRevoked:                {FaultUpstream, CategoryAuthentication},
	PermissionDenied:            {FaultUpstream, CategoryAuthorization},
	RateLimit:                   {FaultUpstream, CategoryTransient},
	BadGateway:                  {FaultUpstream, CategoryTransient},
	ServiceError:                {FaultUpstream, CategoryTransient},
	RequestTimeout:              {FaultUpstream, CategoryTransient},
	BudgetExhausted:             {FaultUpstream, CategoryTransient},
	ConnectionTimeout:           {FaultInfrastructure, CategoryTransient},
	ConnectionRejected:          {FaultInfrastructure, CategoryTransient},
	ConnectionClosed:            {FaultInfrastructure, CategoryTransient},
	InternalError:               {FaultConnector, CategoryInternal},
	InvalidResponse:             {FaultConnector, CategoryInternal},
}

// MetadataOf returns the error_metadata of code c (translated with Current
// first) and hint (none when empty): its fault and category from the
// reference's classification tables; retryable for internal_error,
// bad_gateway, service_error, request_timeout, connection_timeout,
// connection_rejected, connection_closed and rate_limit; throttled for
// rate_limit; refreshable for unauthorized, authentication_expired and
// creds_revoked.
func MetadataOf(c ErrorCode, hint string) Metadata {
	c = Current(c)
	cl, ok := classification[c]
	if !ok {
		cl.fault, cl.category = FaultUnknown, CategoryInternal
	}
	m := Metadata{Fault: cl.fault, Category: cl.category}
	switch c {
	case InternalError, BadGateway, ServiceError, RequestTimeout, ConnectionTimeout, ConnectionRejected, ConnectionClosed:
		m.Retryable = true
	case RateLimit:
		m.Retryable, m.Throttled = true, true
	case Unauthorized, AuthenticationExpired, CredsRevoked:
		m.Refreshable = true
	}
	if hint != "" {
		m.Hint = &hint
	}
	return m
}

// Enum lists the wire values of faults, for JSON schema reflection.
func (Fault) Enum() []any {
	return []any{string(FaultCaller), string(FaultConnector), string(FaultUpstream), string(FaultInfrastructure), string(FaultUnknown)}
}

// Enum lists the wire values of categories, for JSON schema reflection.
func (Category) Enum() []any {
	return []any{string(CategoryClient), string(CategoryAuthentication), string(CategoryAuthorization), string(CategoryTransient), string(CategoryInternal)}
}

// MessageMissingAuth is the reference's message for a capability that
// needs a credential of a kind the request does not carry; %s is the
// kind's name, e.g. "Token" or "OAuth 2.0".
const MessageMissingAuth = "Wrong auth: required credential for %s authentication is missing or not configured."

// MissingAuth is the reference's typed missing-auth error: code
// integration_missing_parameter with MessageMissingAuth for authType
// (such as "Basic", "Token", "OAuth 2.0").
func MissingAuth(authType string) *Error {
	return Newf(IntegrationMissingParameter, MessageMissingAuth, authType)
}
