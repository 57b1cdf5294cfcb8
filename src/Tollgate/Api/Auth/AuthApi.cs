using Tollgate.Configuration;

namespace Tollgate.Api.Auth;

/// <summary>
/// Sign-in for the admin UI: <c>POST /api/auth/login</c> (the only public admin endpoint), <c>POST /api/auth/logout</c>,
/// <c>GET /api/auth/me</c> and <c>POST /api/auth/password</c>. Any signed-in role may use the last three on itself.
/// </summary>
internal static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/auth").RequireAdmin(AdminAccess.SelfService).WithTags("Admin: auth");
        group.MapPost("/login", LoginAsync).RequireAdmin(AdminAccess.Anonymous);
        group.MapPost("/logout", (HttpContext context, UserService users) =>
        {
            users.Logout(AdminCaller.Of(context));
            SessionService.ExpireCookie(context);
            return Results.NoContent();
        });
        group.MapGet("/me", (HttpContext context) => Results.Json(AuthIdentity.Of(AdminCaller.Of(context)), AuthJsonContext.Output.AuthIdentity));
        group.MapPost("/password", ChangePasswordAsync);
        return endpoints;
    }

    private static async Task LoginAsync(HttpContext context, UserService users, GatewayConfigMonitor monitor)
    {
        if (!monitor.Current.Sso.LocalSignIn)
        {
            await ErrorResponses.WriteAsync(context, AuthErrors.LocalSignInDisabled).ConfigureAwait(false);
            return;
        }

        var (request, error) = await AuthBody.ReadAsync(context, AuthJsonContext.Output.LoginRequest).ConfigureAwait(false);
        if (request is null)
        {
            await ErrorResponses.WriteAsync(context, error!).ConfigureAwait(false);
            return;
        }

        var (session, caller, loginError) = users.Login(request.Username, request.Password, ClientAddress(context));
        if (session is null || caller is null)
        {
            await ErrorResponses.WriteAsync(context, loginError!).ConfigureAwait(false);
            return;
        }

        SessionService.WriteCookie(context, session);
        await Results.Json(AuthIdentity.Of(caller), AuthJsonContext.Output.AuthIdentity).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task ChangePasswordAsync(HttpContext context, UserService users)
    {
        var (request, error) = await AuthBody.ReadAsync(context, AuthJsonContext.Output.PasswordChangeRequest).ConfigureAwait(false);
        error ??= users.ChangePassword(AdminCaller.Of(context), request!.CurrentPassword, request.NewPassword, ClientAddress(context));
        if (error is not null)
        {
            await ErrorResponses.WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>
    /// The connection's address, not X-Forwarded-For: a header anyone can set must not choose which throttle counter
    /// a guess lands on. Behind a proxy every client shares the proxy's address and the username limit still holds.
    /// </summary>
    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
