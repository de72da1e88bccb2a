package toolkit

import "github.com/lumosgo/lumos/internal/oauthdesc"

// oauthDescriber returns the describer of the connector's OAuth settings
// (attached by package oauth), or nil when it has none.
func (in *Integration) oauthDescriber() oauthdesc.Describer { return oauthdesc.Of(in) }

// describeOAuth describes the OAuth settings of a credential ("" for the
// single credential of a connector declared with Auth); false when the
// connector or the credential has none.
func (in *Integration) describeOAuth(credentialID string) (oauthdesc.Description, bool) {
	d := in.oauthDescriber()
	if d == nil {
		return oauthdesc.Description{}, false
	}
	return d.DescribeOAuth(credentialID)
}

// oauthInfo adds the OAuth settings to `info`, as upstream does: the fixed
// scopes of the single credential as oauth_scopes (null otherwise), and an
// oauth_settings object on every credential config that has OAuth settings.
func (in *Integration) oauthInfo(info *Info) {
	if in.oauthDescriber() == nil {
		return
	}
	if in.decl.Auth != "" {
		if od, ok := in.describeOAuth(""); ok && od.Scopes != nil {
			info.OAuthScopes = map[string]string{}
			for c, s := range od.Scopes {
				info.OAuthScopes[string(c)] = s
			}
		}
	}
	for i, cfg := range in.decl.Credentials {
		od, ok := in.describeOAuth(cfg.ID)
		if !ok || i >= len(info.CredentialsSchema) {
			continue
		}
		var scopes any // null unless a fixed map
		if od.Scopes != nil {
			m := map[string]any{}
			for c, s := range od.Scopes {
				m[string(c)] = s
			}
			scopes = m
		}
		info.CredentialsSchema[i]["oauth_settings"] = map[string]any{
			"oauth_type":   od.FlowType,
			"scopes":       scopes,
			"pkce_enabled": od.PKCE,
		}
	}
}
