namespace Tollgate.Identity;

/// <summary>The names and paths of single sign-on; the callback paths are what an IdP registers as redirect URIs.</summary>
internal static class SsoSchemes
{
    public const string Oidc = "oidc";

    /// <summary>The cookie scheme the OIDC handler is given to sign in with; unused, since sign-in ends in a Tollgate session.</summary>
    public const string External = "tollgate-sso";

    public const string OidcLoginPath = "/sso/oidc/login";
    public const string OidcCallbackPath = "/sso/oidc/callback";
    public const string OidcLogoutPath = "/sso/oidc/logout";
    public const string OidcSignedOutPath = "/sso/oidc/signed-out";
    public const string LoginPage = "/ui/login";
    public const string Home = "/ui/";
}
