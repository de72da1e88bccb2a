package mock

import (
	"context"
	"fmt"
	"time"

	"github.com/lumosgo/lumos/toolkit"
)

// The expense stream: every day of the year before epoch (2025) has
// expensesPerDay expenses, one per 20 accounts (none in an empty tenant),
// so expense j is on day j/expensesPerDay and a transaction_date range is a
// slice of the stream, found without generating the rest.
const expenseDays = 365

var expenseYear = epoch.AddDate(-1, 0, 0)

func (t tenant) expensesPerDay() int64 { return (t.size + 19) / 20 }

var vendors = [...]struct{ id, name, what string }{
	{"vnd-air", "Mock Airlines", "Flight to a customer visit"},
	{"vnd-hotel", "Hotel Example", "Hotel stay"},
	{"vnd-cloud", "Cloud Example Inc.", "Cloud hosting"},
	{"vnd-cafe", "Cafe Mock", "Team lunch"},
	{"vnd-books", "Example Books", "Technical books"},
	{"vnd-taxi", "Taxi Example", "Taxi ride"},
	{"vnd-saas", "SaaS Mock Ltd.", "Software subscription"},
}

// expense is expense j of the stream.
func (t tenant) expense(j int64, host string) toolkit.Expense {
	perDay := t.expensesPerDay()
	d, k := j/perDay, j%perDay
	date := expenseYear.AddDate(0, 0, int(d))
	s := (j*7 + d) % t.size // the submitter
	v := vendors[(j*5+d)%int64(len(vendors))]
	cents := 500 + j*7919%50_000
	amount := toolkit.Amount{Amount: fmt.Sprintf("%d.%02d", cents/100, cents%100), Currency: "USD"}
	if j%10 == 9 {
		amount.Currency = "EUR"
	}
	id := fmt.Sprintf("exp-%s-%d", date.Format("20060102"), k)
	a := t.account(s, nil)
	e := toolkit.Expense{
		ID:              id,
		TransactionDate: date.Format(time.DateOnly),
		TotalAmount:     amount,
		Seller:          toolkit.Vendor{ID: toolkit.Ptr(v.id), Name: toolkit.Ptr(v.name)},
		Description:     v.what,
		Submitter: toolkit.SpendUser{ID: &a.IntegrationSpecificID, Email: a.Email, GivenName: a.GivenName, FamilyName: a.FamilyName,
			FullName: toolkit.Ptr(*a.GivenName + " " + *a.FamilyName)},
		Type: toolkit.ExpenseTypeReimbursement,
		URL:  toolkit.Ptr("https://" + host + "/expenses/" + id),
	}
	if j%3 == 0 {
		e.Type = toolkit.ExpenseTypeCardTransaction
	} else {
		e.ReportID = toolkit.Ptr(fmt.Sprintf("rpt-%d-%s", s, date.Format("200601")))
	}
	approval := toolkit.NormalizedExpenseApprovalStatusApproved
	switch {
	case d >= expenseDays-14:
		approval = toolkit.NormalizedExpenseApprovalStatusPending
	case j%25 == 24:
		approval = toolkit.NormalizedExpenseApprovalStatusRejected
	case j%40 == 39:
		approval = toolkit.NormalizedExpenseApprovalStatusCanceled
	}
	e.ApprovalStatus = toolkit.ExpenseApprovalStatus{Value: toolkit.Ptr(string(approval)), NormalizedValue: approval}
	payment := toolkit.NormalizedExpensePaymentStatusUnpaid
	if approval == toolkit.NormalizedExpenseApprovalStatusApproved && d < expenseDays-7 {
		payment = toolkit.NormalizedExpensePaymentStatusPaid
		e.PaymentDate = toolkit.Ptr(date.AddDate(0, 0, 7).Format(time.DateOnly))
		e.PaidAmount = toolkit.Ptr(amount)
	}
	e.PaymentStatus = toolkit.ExpensePaymentStatus{Value: toolkit.Ptr(string(payment)), NormalizedValue: payment}
	return e
}

// dayOf is the day of the expense year t falls on (by its UTC date), which
// may be outside [0, expenseDays).
func dayOf(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return int64(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(expenseYear) / day)
}

// listExpenses lists the expense stream, oldest first, paged; the filter's
// transaction_date range (ISO 8601 dates or times, compared by UTC date,
// both ends included, either open) narrows it. A bad date is bad_request.
func listExpenses(_ context.Context, req toolkit.ListExpensesRequest) (toolkit.ListExpensesResponse, error) {
	p := req.Request
	s, t, err := settingsOf(req.Settings)
	if err != nil {
		return toolkit.ListExpensesResponse{}, err
	}
	first, last := int64(0), int64(expenseDays-1)
	if r := p.Filters.TransactionDate; r != nil {
		if r.StartDate != nil {
			v, err := parseTime("start_date", *r.StartDate)
			if err != nil {
				return toolkit.ListExpensesResponse{}, err
			}
			first = max(first, dayOf(v))
		}
		if r.EndDate != nil {
			v, err := parseTime("end_date", *r.EndDate)
			if err != nil {
				return toolkit.ListExpensesResponse{}, err
			}
			last = min(last, dayOf(v))
		}
	}
	perDay, total := t.expensesPerDay(), int64(0)
	if last >= first {
		total = (last - first + 1) * perDay
	}
	scope, err := boundScope(toolkit.CapListExpenses.Name(), p)
	if err != nil {
		return toolkit.ListExpensesResponse{}, err
	}
	base := first * perDay
	return listIn(scope, req.Page, total, func(j int64) toolkit.Expense { return t.expense(base+j, s.Host) })
}
