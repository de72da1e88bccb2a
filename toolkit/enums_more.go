package toolkit

// ActivityType is a standard kind of activity in an activity record. An
// ActivityRecordActivityType may also hold a connector's own kind.
type ActivityType string

// Standard activity kinds, with their exact wire values.
const (
	ActivityTypeAccountLogin ActivityType = "ACCOUNT_LOGIN"
)

// Enum lists the wire values, for JSON schema reflection.
func (ActivityType) Enum() []any { return enumOf(ActivityTypeAccountLogin) }

// ExpenseType tells a reimbursed expense from a card payment.
type ExpenseType string

// Expense kinds, with their exact wire values.
const (
	ExpenseTypeReimbursement   ExpenseType = "reimbursement"
	ExpenseTypeCardTransaction ExpenseType = "card_transaction"
)

// Enum lists the wire values, for JSON schema reflection.
func (ExpenseType) Enum() []any { return enumOf(ExpenseTypeReimbursement, ExpenseTypeCardTransaction) }

// NormalizedExpenseApprovalStatus is the approval state of an expense,
// mapped onto a fixed set of values.
type NormalizedExpenseApprovalStatus string

// Normalized approval states, with their exact wire values.
const (
	NormalizedExpenseApprovalStatusPending  NormalizedExpenseApprovalStatus = "pending"
	NormalizedExpenseApprovalStatusApproved NormalizedExpenseApprovalStatus = "approved"
	NormalizedExpenseApprovalStatusRejected NormalizedExpenseApprovalStatus = "rejected"
	NormalizedExpenseApprovalStatusCanceled NormalizedExpenseApprovalStatus = "canceled"
	NormalizedExpenseApprovalStatusUnknown  NormalizedExpenseApprovalStatus = "unknown"
)

// Enum lists the wire values, for JSON schema reflection.
func (NormalizedExpenseApprovalStatus) Enum() []any {
	return enumOf(NormalizedExpenseApprovalStatusPending, NormalizedExpenseApprovalStatusApproved,
		NormalizedExpenseApprovalStatusRejected, NormalizedExpenseApprovalStatusCanceled,
		NormalizedExpenseApprovalStatusUnknown)
}

// NormalizedExpensePaymentStatus is the payment state of an expense, mapped
// onto a fixed set of values.
type NormalizedExpensePaymentStatus string

// Normalized payment states, with their exact wire values.
const (
	NormalizedExpensePaymentStatusPaid   NormalizedExpensePaymentStatus = "paid"
	NormalizedExpensePaymentStatusUnpaid NormalizedExpensePaymentStatus = "unpaid"
)

// Enum lists the wire values, for JSON schema reflection.
func (NormalizedExpensePaymentStatus) Enum() []any {
	return enumOf(NormalizedExpensePaymentStatusPaid, NormalizedExpensePaymentStatusUnpaid)
}

// TokenType is the kind of an OAuth access token.
type TokenType string

// OAuth token kinds, with their exact wire values.
const (
	TokenTypeBearer TokenType = "bearer"
)

// Enum lists the wire values, for JSON schema reflection.
func (TokenType) Enum() []any { return enumOf(TokenTypeBearer) }

// ApplicationStatus is whether an application is in use in the tenant.
type ApplicationStatus string

// Application states, with their exact wire values.
const (
	ApplicationStatusActive   ApplicationStatus = "ACTIVE"
	ApplicationStatusInactive ApplicationStatus = "INACTIVE"
)

// Enum lists the wire values, for JSON schema reflection.
func (ApplicationStatus) Enum() []any {
	return enumOf(ApplicationStatusActive, ApplicationStatusInactive)
}

// SignOnMode is how users sign in to an application.
type SignOnMode string

// Sign-on modes, with their exact wire values.
const (
	SignOnModeSAML     SignOnMode = "SAML"
	SignOnModeOIDC     SignOnMode = "OIDC"
	SignOnModeBookmark SignOnMode = "BOOKMARK"
	SignOnModeUnknown  SignOnMode = "UNKNOWN"
)

// Enum lists the wire values, for JSON schema reflection.
func (SignOnMode) Enum() []any {
	return enumOf(SignOnModeSAML, SignOnModeOIDC, SignOnModeBookmark, SignOnModeUnknown)
}

// AssignmentMode is a way access to an application can be granted: to an
// account directly, or through entitlements inside the application.
type AssignmentMode string

// Assignment modes, with their exact wire values.
const (
	AssignmentModeAccount     AssignmentMode = "ACCOUNT"
	AssignmentModeEntitlement AssignmentMode = "ENTITLEMENT"
)

// Enum lists the wire values, for JSON schema reflection.
func (AssignmentMode) Enum() []any { return enumOf(AssignmentModeAccount, AssignmentModeEntitlement) }
