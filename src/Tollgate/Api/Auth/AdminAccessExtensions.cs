using Tollgate.Api.Auth;

// In Tollgate.Api rather than Tollgate.Api.Auth on purpose: every admin API maps its group with RequireAdmin(), and
// the extension should be found there without a using (as ASP.NET puts its Map* extensions in Microsoft.AspNetCore.Builder).
namespace Tollgate.Api;

internal static class AdminAccessExtensions
{
    /// <summary>
    /// Marks an admin endpoint or group: GET/HEAD need <paramref name="minimumRole"/> (viewer by default), other methods
    /// at least editor. Enforced by <see cref="AdminAuthMiddleware"/> with 401 <c>invalid_admin_token</c>, 403
    /// <c>insufficient_role</c> or 403 <c>csrf_failed</c>.
    /// </summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder, AdminRole minimumRole = AdminRole.Viewer)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AdminAccess.AtLeast(minimumRole));

    /// <summary>Sets a special rule (<see cref="AdminAccess.Anonymous"/>, <see cref="AdminAccess.SelfService"/>).</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder, AdminAccess access)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(access);

    /// <summary>Lets team-scoped callers reach the endpoint; its handler must then narrow to <see cref="AdminCaller.TeamId"/>.</summary>
    public static TBuilder AllowTeamScope<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(TeamScope.Allowed);
}
