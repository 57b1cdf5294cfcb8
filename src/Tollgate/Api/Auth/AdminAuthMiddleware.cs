using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Api.Auth;

/// <summary>
/// Guards everything under <c>/api</c> before model binding or the handler runs:
/// <code>
/// request ─► credentials? ──no──► 401 invalid_admin_token
///              │ Bearer admin token (admin, no CSRF: nothing ambient) or tollgate_session cookie
///              ▼
///            team-scoped caller and route not marked TeamScope? ──yes──► 403 team_scope
///              ▼
///            role ≥ endpoint's need? ──no──► 403 insufficient_role      (AdminAccess metadata, Default if absent)
///              ▼
///            session and not GET/HEAD: x-csrf-token matches? ──no──► 403 csrf_failed
///              ▼
///            handler (AdminCaller on the request)
/// </code>
/// A middleware rather than an endpoint filter so that no admin route can skip it by forgetting a call, and so an
/// unauthenticated request never reaches body binding.
/// </summary>
internal sealed class AdminAuthMiddleware(RequestDelegate next, AdminAuth tokens, SessionService sessions)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            return next(context);
        }

        var access = context.GetEndpoint()?.Metadata.GetMetadata<AdminAccess>() ?? AdminAccess.Default;
        if (access.IsAnonymous)
        {
            return next(context);
        }

        if (Authenticate(context) is not { } caller)
        {
            return ErrorResponses.WriteAsync(context, AuthErrors.Unauthenticated);
        }

        var endpoint = context.GetEndpoint();
        if (caller.IsTeamScoped && !access.IsSelfService && endpoint?.Metadata.GetMetadata<TeamScope>() is null)
        {
            return ErrorResponses.WriteAsync(context, AuthErrors.OutsideTeamScope(caller.TeamId!));
        }

        var method = context.Request.Method;
        var required = access.RequiredRole(method);
        if (caller.Role < required)
        {
            return ErrorResponses.WriteAsync(context, AuthErrors.InsufficientRole(required, caller.Role));
        }

        if (caller.HasSession && !AdminAccess.IsSafe(method) && !CsrfMatches(context, caller.CsrfToken!))
        {
            return ErrorResponses.WriteAsync(context, AuthErrors.CsrfFailed);
        }

        context.Features.Set(caller);
        return next(context);
    }

    private AdminCaller? Authenticate(HttpContext context)
    {
        // A request that sends Authorization means the token; a wrong one is not rescued by a cookie beside it.
        if (AdminAuth.HasAuthorizationHeader(context))
        {
            return tokens.IsAuthorized(context) ? AdminCaller.Token : null;
        }

        return context.Request.Cookies[SessionService.CookieName] is { Length: > 0 } token ? sessions.Validate(token) : null;
    }

    private static bool CsrfMatches(HttpContext context, string expected)
    {
        var presented = context.Request.Headers[SessionService.CsrfHeader].ToString();
        return presented.Length > 0
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
    }
}
