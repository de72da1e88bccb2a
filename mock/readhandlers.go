package mock

import "github.com/lumosgo/lumos/toolkit"

// ReadHandlers returns the mock's read handlers by capability, for variants
// of the mock with other credentials (see package mock/mockoauth): they read
// only the request's settings, never its credentials.
func ReadHandlers() map[toolkit.CapabilityName]any {
	return map[toolkit.CapabilityName]any{
		toolkit.CapListAccounts:                            listAccounts,
		toolkit.CapGetAccount:                              getAccount,
		toolkit.CapListResources:                           listResources,
		toolkit.CapListEntitlements:                        listEntitlements,
		toolkit.CapFindEntitlementAssociations:             findEntitlementAssociations,
		toolkit.CapGetAccountEntitlementAssociations:       getAccountEntitlementAssociations,
		toolkit.CapGetLastActivity:                         getLastActivity,
		toolkit.CapListCustomAttributesSchema:              listCustomAttributesSchema,
		toolkit.CapListUpdatedAccounts:                     listUpdatedAccounts,
		toolkit.CapGetDataRecency:                          getDataRecency,
		toolkit.CapListActivityRecords:                     listActivityRecords,
		toolkit.CapListExpenses:                            listExpenses,
		toolkit.CapListApplications:                        listApplications,
		toolkit.CapGetApplication:                          getApplication,
		toolkit.CapListApplicationsAccounts:                listApplicationsAccounts,
		toolkit.CapGetApplicationAccount:                   getApplicationAccount,
		toolkit.CapListApplicationsResources:               listApplicationsResources,
		toolkit.CapListApplicationsEntitlements:            listApplicationsEntitlements,
		toolkit.CapListApplicationsEntitlementAssociations: listApplicationsEntitlementAssociations,
		toolkit.CapListApplicationsActivityRecords:         listApplicationsActivityRecords,
	}
}
