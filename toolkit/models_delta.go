package toolkit

import (
	"time"

	"github.com/swaggest/jsonschema-go"
)

// ListUpdatedAccounts is the payload of list_updated_accounts: which changes
// to report. When both are given, cursor wins over since.
type ListUpdatedAccounts struct {
	Since            *time.Time `json:"since" description:"Report accounts changed after this time (RFC 3339 with a zone); meant for a first sync or after a long gap."`
	Cursor           *string    `json:"cursor" description:"The cursor of the previous response, to get only what changed since; absent on the first call."`
	CustomAttributes []string   `json:"custom_attributes" description:"Names of custom attributes to fill in on each account."`
}

// UpdatedAccounts is the result of list_updated_accounts.
type UpdatedAccounts struct {
	Accounts []FoundAccountData `json:"accounts" required:"true" description:"The accounts changed in the period asked for; empty when nothing changed."`
	Cursor   *string            `json:"cursor" description:"Position to resume from: send it back as cursor on the next call."`
}

// GetDataRecency is the payload of get_data_recency; it has no fields.
type GetDataRecency struct{}

// DataRecency is the result of get_data_recency.
type DataRecency struct {
	Data map[string]*time.Time `json:"data" required:"true" description:"For each standard capability name, when its data was last refreshed; null when that cannot be told, and no key when the connector does not report it for that capability."`
}

// ListActivityRecords is the payload of list_activity_records.
type ListActivityRecords struct {
	SinceDate string                `json:"since_date" required:"true" description:"Earliest time to report, as an ISO 8601 string."`
	Actors    []ActivityRecordActor `json:"actors" required:"true" description:"The actors whose activity to report."`
}

// ActivityRecordActivityType names the kind of an activity. Upstream it is
// either a standard ActivityType (today only ACCOUNT_LOGIN, preferred when
// it applies) or any other string of the connector's choosing, such as
// "AssumeRole"; on the wire it is a plain JSON string either way.
type ActivityRecordActivityType string

// ActivityRecord is one activity that happened in the remote system.
type ActivityRecord struct {
	ID           string                     `json:"id" required:"true" description:"The record's identifier, unique among records."`
	ActivityType ActivityRecordActivityType `json:"activity_type" required:"true" description:"What kind of activity it was; a standard ActivityType when one fits."`
	Timestamp    string                     `json:"timestamp" required:"true" description:"When it happened, as an ISO 8601 string."`
	Actor        ActivityRecordActor        `json:"actor" required:"true" description:"Who did it."`
	Targets      []ActivityRecordTarget     `json:"targets" required:"true" description:"What it affected."`
	Metadata     map[string]string          `json:"metadata" description:"Further details, such as the client address or user agent."`
}

// PrepareJSONSchema records the fields that identify an activity record.
func (ActivityRecord) PrepareJSONSchema(s *jsonschema.Schema) error {
	s.WithExtraPropertiesItem("x-unique-hash", []string{"id"})
	return nil
}

// ActivityRecordActor is who performed an activity; for now always an account.
type ActivityRecordActor struct {
	AccountID string `json:"account_id" required:"true" semantic:"account-id" description:"The acting account."`
}

// ActivityRecordTarget is something an activity affected; for now an
// account or an entitlement.
type ActivityRecordTarget struct {
	AccountID   *string                    `json:"account_id" semantic:"account-id" description:"The affected account, if any."`
	Entitlement *ActivityRecordEntitlement `json:"entitlement" description:"The affected entitlement, if any."`
}

// ActivityRecordEntitlement is an entitlement an activity affected, such as
// a role or a feature.
type ActivityRecordEntitlement struct {
	ID           string  `json:"id" required:"true" semantic:"entitlement-id" description:"The entitlement's identifier in the remote system."`
	Type         string  `json:"type" required:"true" description:"The entitlement's kind in the remote system, such as Role."`
	ResourceID   *string `json:"resource_id" semantic:"resource-id" description:"The resource the entitlement belongs to, if any."`
	ResourceType *string `json:"resource_type" description:"The kind of that resource, if any."`
}

// ListExpenses is the payload of list_expenses.
type ListExpenses struct {
	Filters ExpenseFilters `json:"filters" required:"true" description:"Which expenses to report."`
}

// ExpenseFilters narrows an expense listing.
type ExpenseFilters struct {
	TransactionDate *TimeRange `json:"transaction_date" description:"Report only expenses whose transaction date falls in this range."`
}

// TimeRange is a period of time; either end may be open.
type TimeRange struct {
	StartDate *string `json:"start_date" description:"Start of the period."`
	EndDate   *string `json:"end_date" description:"End of the period."`
}

// Expense is one expense report line or card transaction.
type Expense struct {
	ID               string                `json:"id" required:"true" description:"The expense's stable identifier in the remote system."`
	ReportID         *string               `json:"report_id" description:"The expense report it belongs to, if any."`
	TransactionDate  string                `json:"transaction_date" required:"true" description:"When the purchase was paid to the seller, as an ISO 8601 date."`
	PaymentDate      *string               `json:"payment_date" description:"When the company paid it, as an ISO 8601 date."`
	TotalAmount      Amount                `json:"total_amount" required:"true" description:"What the company owes for it."`
	PaidAmount       *Amount               `json:"paid_amount" description:"What the company has paid so far."`
	Seller           Vendor                `json:"seller" required:"true" description:"Who sold the purchase."`
	Description      string                `json:"description" required:"true" description:"What was bought."`
	Submitter        SpendUser             `json:"submitter" required:"true" description:"The employee who submitted it."`
	Type             ExpenseType           `json:"type" required:"true" description:"Reimbursement or card transaction."`
	ApprovalStatus   ExpenseApprovalStatus `json:"approval_status" required:"true" description:"Where it stands in approval."`
	PaymentStatus    ExpensePaymentStatus  `json:"payment_status" required:"true" description:"Where it stands in payment."`
	URL              *string               `json:"url" description:"Link to the expense in the remote system."`
	Attributes       map[string]any        `json:"attributes" description:"Fields the remote system defines for every tenant."`
	CustomAttributes map[string]any        `json:"custom_attributes" description:"Fields this tenant defined."`
}

// Amount is a sum of money.
type Amount struct {
	Amount   string `json:"amount" required:"true" description:"The sum, as a decimal string."`
	Currency string `json:"currency" required:"true" description:"ISO 4217 currency code."`
}

// Vendor is a company that sold something.
type Vendor struct {
	ID          *string `json:"id" description:"The company's identifier in the remote system."`
	Name        *string `json:"name" description:"The company's name."`
	Description *string `json:"description" description:"About the company."`
}

// SpendUser is a person in a spend-management system.
type SpendUser struct {
	ID         *string `json:"id" description:"The person's stable identifier in the remote system."`
	Email      *string `json:"email" description:"The person's e-mail address."`
	FullName   *string `json:"full_name" description:"The person's full name."`
	GivenName  *string `json:"given_name" description:"The person's given name."`
	FamilyName *string `json:"family_name" description:"The person's family name."`
}

// ExpenseApprovalStatus is the approval state of an expense, as the remote
// system reports it and normalized.
type ExpenseApprovalStatus struct {
	ID              *string                         `json:"id" description:"The state's identifier in the remote system, for systems with custom states."`
	DisplayValue    *string                         `json:"display_value" description:"The state as shown to users."`
	Value           *string                         `json:"value" description:"The state's raw value in the remote system."`
	NormalizedValue NormalizedExpenseApprovalStatus `json:"normalized_value" required:"true" description:"The state mapped onto the standard set."`
}

// ExpensePaymentStatus is the payment state of an expense, as the remote
// system reports it and normalized.
type ExpensePaymentStatus struct {
	ID              *string                        `json:"id" description:"The state's identifier in the remote system, for systems with custom states."`
	DisplayValue    *string                        `json:"display_value" description:"The state as shown to users."`
	Value           *string                        `json:"value" description:"The state's raw value in the remote system."`
	NormalizedValue NormalizedExpensePaymentStatus `json:"normalized_value" required:"true" description:"The state mapped onto the standard set."`
}

// Request and response envelopes of the delta and extra read capabilities.
type (
	ListUpdatedAccountsRequest  = Request[ListUpdatedAccounts]
	ListUpdatedAccountsResponse = Response[UpdatedAccounts]
	GetDataRecencyRequest       = Request[GetDataRecency]
	GetDataRecencyResponse      = Response[DataRecency]
	ListActivityRecordsRequest  = Request[ListActivityRecords]
	ListActivityRecordsResponse = Response[[]ActivityRecord]
	ListExpensesRequest         = Request[ListExpenses]
	ListExpensesResponse        = Response[[]Expense]
)
