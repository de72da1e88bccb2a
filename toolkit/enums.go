package toolkit

import "github.com/lumosgo/lumos/errs"

// ErrorCode is the machine-readable category of a failed call; see package errs.
type ErrorCode = errs.ErrorCode

func enumOf[T ~string](values ...T) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// AccountStatus is the lifecycle state of an account in the remote system.
type AccountStatus string

// Account statuses, with their exact wire values.
const (
	AccountStatusActive        AccountStatus = "ACTIVE"
	AccountStatusInactive      AccountStatus = "INACTIVE"
	AccountStatusSuspended     AccountStatus = "SUSPENDED"
	AccountStatusDeprovisioned AccountStatus = "DEPROVISIONED"
	AccountStatusPending       AccountStatus = "PENDING"
	AccountStatusDeleted       AccountStatus = "DELETED"
)

// Enum lists the wire values, for JSON schema reflection.
func (AccountStatus) Enum() []any {
	return enumOf(AccountStatusActive, AccountStatusInactive, AccountStatusSuspended,
		AccountStatusDeprovisioned, AccountStatusPending, AccountStatusDeleted)
}

// AccountType tells a person's account from a machine's.
type AccountType string

// Account types, with their exact wire values.
const (
	AccountTypeService AccountType = "service"
	AccountTypeUser    AccountType = "user"
)

// Enum lists the wire values, for JSON schema reflection.
func (AccountType) Enum() []any { return enumOf(AccountTypeService, AccountTypeUser) }

// AppCategory is a catalogue category a connector's application belongs to.
type AppCategory string

// Application categories, with their exact wire values.
const (
	CategoryHRAndLearning           AppCategory = "HR_AND_LEARNING"
	CategoryOfficeAndLegal          AppCategory = "OFFICE_AND_LEGAL"
	CategorySalesAndSupport         AppCategory = "SALES_AND_SUPPORT"
	CategoryCommerceAndMarketplaces AppCategory = "COMMERCE_AND_MARKETPLACES"
	CategoryITAndSecurity           AppCategory = "IT_AND_SECURITY"
	CategoryCommunication           AppCategory = "COMMUNICATION"
	CategoryDesignAndCreativity     AppCategory = "DESIGN_AND_CREATIVITY"
	CategoryOther                   AppCategory = "OTHER"
	CategoryMarketingAndAnalytics   AppCategory = "MARKETING_AND_ANALYTICS"
	CategoryDevelopers              AppCategory = "DEVELOPERS"
	CategoryAccountingAndFinance    AppCategory = "ACCOUNTING_AND_FINANCE"
	CategoryCollaboration           AppCategory = "COLLABORATION"
	CategoryContentAndSocialMedia   AppCategory = "CONTENT_AND_SOCIAL_MEDIA"
	CategoryInternal                AppCategory = "INTERNAL"
	CategoryEarlyAccess             AppCategory = "EARLY_ACCESS"
)

var allCategories = []AppCategory{
	CategoryHRAndLearning, CategoryOfficeAndLegal, CategorySalesAndSupport, CategoryCommerceAndMarketplaces,
	CategoryITAndSecurity, CategoryCommunication, CategoryDesignAndCreativity, CategoryOther,
	CategoryMarketingAndAnalytics, CategoryDevelopers, CategoryAccountingAndFinance, CategoryCollaboration,
	CategoryContentAndSocialMedia, CategoryInternal, CategoryEarlyAccess,
}

// Enum lists the wire values, for JSON schema reflection.
func (AppCategory) Enum() []any { return enumOf(allCategories...) }

// AuthModel names a kind of credential; it is also the key under which that
// credential sits in an AuthCredential object.
type AuthModel string

// Credential kinds, with their exact wire values. Everything else lumos
// knows about each kind is in one table, authKinds.
const (
	AuthOAuth                  AuthModel = "oauth"
	AuthOAuthClientCredentials AuthModel = "oauth_client_credentials"
	AuthOAuth1                 AuthModel = "oauth1"
	AuthBasic                  AuthModel = "basic"
	AuthToken                  AuthModel = "token"
	AuthJWT                    AuthModel = "jwt"
	AuthServiceAccount         AuthModel = "service_account"
	AuthKeyPair                AuthModel = "key_pair"
)

// Enum lists the wire values, for JSON schema reflection.
func (AuthModel) Enum() []any { return enumOf(allAuthModels...) }

// CustomAttributeCustomizedType says which kind of object a custom attribute extends.
type CustomAttributeCustomizedType string

// Objects a custom attribute can extend, with their exact wire values.
const (
	CustomizedAccount     CustomAttributeCustomizedType = "account"
	CustomizedEntitlement CustomAttributeCustomizedType = "entitlement"
)

// Enum lists the wire values, for JSON schema reflection.
func (CustomAttributeCustomizedType) Enum() []any {
	return enumOf(CustomizedAccount, CustomizedEntitlement)
}

// CustomAttributeType is the value type of a custom attribute.
type CustomAttributeType string

// Custom attribute value types, with their exact wire values.
const (
	CustomAttributeString CustomAttributeType = "string"
	CustomAttributeUser   CustomAttributeType = "user"
)

// Enum lists the wire values, for JSON schema reflection.
func (CustomAttributeType) Enum() []any { return enumOf(CustomAttributeString, CustomAttributeUser) }

// ActivityEventType says what a last-activity timestamp measures.
type ActivityEventType string

// Activity event types, with their exact wire values.
const (
	ActivityLastLogin    ActivityEventType = "last_login"
	ActivityLastActivity ActivityEventType = "last_activity"
)

// Enum lists the wire values, for JSON schema reflection.
func (ActivityEventType) Enum() []any { return enumOf(ActivityLastLogin, ActivityLastActivity) }

// ServiceAccountType is the platform a service-account key belongs to.
type ServiceAccountType string

// Service-account platforms, with their exact wire values.
const (
	ServiceAccountGoogleCloud ServiceAccountType = "google_cloud"
	ServiceAccountGoogleDrive ServiceAccountType = "google_drive"
	ServiceAccountAWS         ServiceAccountType = "aws"
)

// Enum lists the wire values, for JSON schema reflection.
func (ServiceAccountType) Enum() []any {
	return enumOf(ServiceAccountGoogleCloud, ServiceAccountGoogleDrive, ServiceAccountAWS)
}

// KeyGenType is the format of a generated key pair.
type KeyGenType string

// Key pair formats, with their exact wire values.
const (
	KeyGenSSH    KeyGenType = "SSH"
	KeyGenSSHPEM KeyGenType = "SSH_PEM"
	KeyGenPEMPK8 KeyGenType = "PEM_PK8"
	KeyGenPGP    KeyGenType = "PGP"
)

// Enum lists the wire values, for JSON schema reflection.
func (KeyGenType) Enum() []any { return enumOf(KeyGenSSH, KeyGenSSHPEM, KeyGenPEMPK8, KeyGenPGP) }

// EffectKind says what a write capability did to the remote system.
type EffectKind string

// Effect kinds, with their exact wire values.
const (
	EffectCreated EffectKind = "created"
	EffectUpdated EffectKind = "updated"
	EffectDeleted EffectKind = "deleted"
	EffectNoop    EffectKind = "noop"
)

// Enum lists the wire values, for JSON schema reflection.
func (EffectKind) Enum() []any {
	return enumOf(EffectCreated, EffectUpdated, EffectDeleted, EffectNoop)
}

// NoopEffectReason says why a write capability changed nothing.
type NoopEffectReason string

// Reasons for a no-op, with their exact wire values.
const (
	NoopStateAlreadyMatches NoopEffectReason = "state_already_matches"
)

// Enum lists the wire values, for JSON schema reflection.
func (NoopEffectReason) Enum() []any { return enumOf(NoopStateAlreadyMatches) }
