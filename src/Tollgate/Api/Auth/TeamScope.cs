namespace Tollgate.Api.Auth;

/// <summary>
/// Endpoint metadata: a team-scoped caller (<see cref="AdminCaller.TeamId"/>) may call this route, whose handler narrows
/// what it reads and writes to that team. Opt-in on purpose: a route nobody marked is refused to team-scoped callers
/// (403 <c>team_scope</c>) by <see cref="AdminAuthMiddleware"/>, so a new route cannot leak another team's data by default.
/// </summary>
internal sealed class TeamScope
{
    public static readonly TeamScope Allowed = new();

    private TeamScope()
    {
    }
}
