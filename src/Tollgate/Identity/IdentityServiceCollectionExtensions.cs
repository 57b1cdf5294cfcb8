using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Tollgate.Configuration;

namespace Tollgate.Identity;

internal static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// Single sign-on for admins: the OIDC handler (its options from <c>sso.oidc</c>, see <see cref="OidcOptionsSetup"/>)
    /// and the data protection keys that seal its state and nonce, kept in the data directory so a restart between
    /// the redirect to the IdP and the callback does not break a sign-in.
    /// </summary>
    public static IServiceCollection AddSso(this IServiceCollection services, GatewayOptions options)
    {
        services.AddDataProtection()
            .SetApplicationName("tollgate")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDirectory, "keys")));
        services.AddSingleton<SsoSignIn>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>, OidcOptionsSetup>();
        services.AddAuthentication()
            .AddCookie(SsoSchemes.External)
            .AddOpenIdConnect(SsoSchemes.Oidc, _ => { });
        return services;
    }
}

internal static class IdentityApplicationBuilderExtensions
{
    // The key ASP.NET Core's UseAuthentication sets; WebApplication adds the middleware in front of everything unless set.
    private const string AuthenticationMiddlewareSet = "__AuthenticationMiddlewareSet";

    /// <summary>
    /// The authentication middleware for the <c>/sso</c> paths only. Left to WebApplication it would run first on every
    /// request, inference included, and create the OIDC handler each time just to learn that the path is not its callback.
    /// </summary>
    public static void UseSso(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/sso", StringComparison.OrdinalIgnoreCase), sso => sso.UseAuthentication());
        ((IApplicationBuilder)app).Properties[AuthenticationMiddlewareSet] = true;
    }
}
