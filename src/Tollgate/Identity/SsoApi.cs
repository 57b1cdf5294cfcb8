using Microsoft.AspNetCore.Authentication;
using Tollgate.Api;
using Tollgate.Api.Auth;
using Tollgate.Configuration;

namespace Tollgate.Identity;

/// <summary>
/// <code>
/// GET /api/auth/sso        public: local_sign_in and the "Sign in with …" button (login page)
/// GET /sso/oidc/login      → the IdP (authorization code + PKCE); back at /sso/oidc/callback (the OIDC handler)
/// GET /sso/oidc/logout     ends the Tollgate session, then the IdP's (end_session_endpoint) → /ui/login
/// </code>
/// </summary>
internal static class SsoApi
{
    public static IEndpointRouteBuilder MapSsoApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/auth/sso", (GatewayConfigMonitor monitor) =>
        {
            var sso = monitor.Current.Sso;
            var oidc = sso.Oidc is { } config ? new SsoProviderInfo(config.DisplayName, SsoSchemes.OidcLoginPath, SsoSchemes.OidcLogoutPath) : null;
            return Results.Json(new SsoInfo(sso.LocalSignIn, oidc), IdentityJsonContext.Default.SsoInfo);
        }).RequireAdmin(AdminAccess.Anonymous).WithTags("Admin: auth");

        var sso = endpoints.MapGroup("/sso/oidc").ExcludeFromDescription();
        sso.MapGet("/login", async (HttpContext context, GatewayConfigMonitor monitor) =>
        {
            if (monitor.Current.Sso.Oidc is null)
            {
                return Results.NotFound();
            }

            await context.ChallengeAsync(SsoSchemes.Oidc, new AuthenticationProperties { RedirectUri = SsoSchemes.Home }).ConfigureAwait(false);
            return Results.Empty;
        });
        sso.MapGet("/logout", async (HttpContext context, GatewayConfigMonitor monitor, SessionService sessions) =>
        {
            if (monitor.Current.Sso.Oidc is null)
            {
                return Results.NotFound();
            }

            // A GET that ends a session: harmless to forge (it only signs out), and the IdP's logout is a GET anyway.
            if (context.Request.Cookies[SessionService.CookieName] is { Length: > 0 } token)
            {
                sessions.End(SessionService.IdOf(token));
            }

            SessionService.ExpireCookie(context);
            await context.SignOutAsync(SsoSchemes.Oidc, new AuthenticationProperties { RedirectUri = SsoSchemes.LoginPage }).ConfigureAwait(false);
            return Results.Empty;
        });
        return endpoints;
    }
}
