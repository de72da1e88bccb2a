package mock

import "github.com/lumosgo/lumos/toolkit"

// RegisterReads registers the mock's read handlers on in, for variants of
// the mock with other credentials (see package mock/mockoauth): they read
// only the request's settings, never its credentials.
func RegisterReads(in *toolkit.Integration) {
	toolkit.Handle(in, toolkit.CapListAccounts, listAccounts)
	toolkit.Handle(in, toolkit.CapGetAccount, getAccount)
	toolkit.Handle(in, toolkit.CapListResources, listResources)
	toolkit.Handle(in, toolkit.CapListEntitlements, listEntitlements)
	toolkit.Handle(in, toolkit.CapFindEntitlementAssociations, findEntitlementAssociations)
	toolkit.Handle(in, toolkit.CapGetAccountEntitlementAssociations, getAccountEntitlementAssociations)
	toolkit.Handle(in, toolkit.CapGetLastActivity, getLastActivity)
	toolkit.Handle(in, toolkit.CapListCustomAttributesSchema, listCustomAttributesSchema)
	toolkit.Handle(in, toolkit.CapListUpdatedAccounts, listUpdatedAccounts)
	toolkit.Handle(in, toolkit.CapGetDataRecency, getDataRecency)
	toolkit.Handle(in, toolkit.CapListActivityRecords, listActivityRecords)
	toolkit.Handle(in, toolkit.CapListExpenses, listExpenses)
	toolkit.Handle(in, toolkit.CapListApplications, listApplications)
	toolkit.Handle(in, toolkit.CapGetApplication, getApplication)
	toolkit.Handle(in, toolkit.CapListApplicationsAccounts, listApplicationsAccounts)
	toolkit.Handle(in, toolkit.CapGetApplicationAccount, getApplicationAccount)
	toolkit.Handle(in, toolkit.CapListApplicationsResources, listApplicationsResources)
	toolkit.Handle(in, toolkit.CapListApplicationsEntitlements, listApplicationsEntitlements)
	toolkit.Handle(in, toolkit.CapListApplicationsEntitlementAssociations, listApplicationsEntitlementAssociations)
	toolkit.Handle(in, toolkit.CapListApplicationsActivityRecords, listApplicationsActivityRecords)
}
