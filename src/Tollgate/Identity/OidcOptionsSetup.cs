using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Tollgate.Api.Auth;
using Tollgate.Configuration;

namespace Tollgate.Identity;

/// <summary>
/// Builds the OIDC handler's options from <c>sso.oidc</c> when they are first needed (after the config file loaded):
/// authorization code with PKCE, discovery from the issuer, signing keys from its JWKS (re-read when a token names an
/// unknown key, see <see cref="OidcSigningKeys"/>, so a rotated key works at once and without a restart), claims from the ID token and userinfo, response by query.
/// Without <c>sso.oidc</c> the handler gets a placeholder it never uses: every <c>/sso/oidc</c> endpoint answers 404 first.
/// </summary>
internal sealed class OidcOptionsSetup(GatewayConfigMonitor monitor, SsoSignIn signIn, TimeProvider time) : IConfigureNamedOptions<OpenIdConnectOptions>
{
    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        if (name != SsoSchemes.Oidc)
        {
            return;
        }

        options.SignInScheme = SsoSchemes.External;
        options.CallbackPath = SsoSchemes.OidcCallbackPath;
        options.SignedOutCallbackPath = SsoSchemes.OidcSignedOutPath;
        options.SignedOutRedirectUri = SsoSchemes.LoginPage;
        if (monitor.Current.Sso.Oidc is not { } config)
        {
            options.Authority = "http://127.0.0.1/sso-not-configured";
            options.ClientId = "sso-not-configured";
            options.RequireHttpsMetadata = false;
            return;
        }

        options.Authority = config.Issuer;
        options.RequireHttpsMetadata = new Uri(config.Issuer).Scheme == "https";
        options.ClientId = config.ClientId;
        options.ClientSecret = config.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        // A query redirect is a top-level GET, so the correlation and nonce cookies can be SameSite=Lax; form_post would
        // need SameSite=None, which browsers accept only with Secure (HTTPS).
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.SaveTokens = false;
        options.RefreshOnIssuerKeyNotFound = true;
        options.TokenValidationParameters.IssuerSigningKeyResolver = new OidcSigningKeys(options, time).Resolve;
        options.Scope.Clear();
        foreach (var scope in config.Scopes)
        {
            options.Scope.Add(scope);
        }

        options.ClaimActions.MapUniqueJsonKey("email", "email");
        options.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
        options.ClaimActions.MapJsonKey(config.RoleClaim, config.RoleClaim);
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Events = new OpenIdConnectEvents
        {
            OnTicketReceived = context =>
            {
                var result = signIn.SignIn(context.Principal!, config, ClientAddress(context.HttpContext));
                context.HandleResponse();
                if (result.Session is null)
                {
                    return RedirectAsync(context.HttpContext, SsoSchemes.LoginPage + "?sso_error=" + Uri.EscapeDataString(result.Failure!));
                }

                SessionService.WriteCookie(context.HttpContext, result.Session);
                return RedirectAsync(context.HttpContext, SsoSchemes.Home);
            },
            OnRemoteFailure = context =>
            {
                signIn.RecordFailure(config, ClientAddress(context.HttpContext), context.Failure?.Message ?? "unknown failure");
                context.HandleResponse();
                return RedirectAsync(context.HttpContext, SsoSchemes.LoginPage + "?sso_error=" + Uri.EscapeDataString("Single sign-on failed."));
            },
            OnRedirectToIdentityProviderForSignOut = context =>
            {
                // Without an ID token to hint with, the client id tells the IdP whose post-logout redirect to allow.
                context.ProtocolMessage.ClientId = config.ClientId;
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>
    /// A page that navigates on, rather than a 302: the session cookie is SameSite=Strict and the callback was reached
    /// from the IdP's site, so the next navigation must start on ours for the browser to send the cookie.
    /// </summary>
    private static Task RedirectAsync(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var url = WebUtility.HtmlEncode(location);
        return context.Response.WriteAsync($"<!doctype html><meta http-equiv=\"refresh\" content=\"0;url={url}\"><a href=\"{url}\">Continue</a>");
    }

    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
