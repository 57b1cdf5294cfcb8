using Tollgate.Api.Auth;
using Tollgate.Governance;
using Tollgate.Governance.Model;

namespace Tollgate.Api;

/// <summary>
/// What a team-scoped caller (<see cref="AdminCaller.TeamId"/>) sees and may change in governance: its own team, the
/// virtual keys whose <c>team_id</c> is that team, and the budgets only that team uses. A budget is the team's when
/// every entity that names it (the team itself, virtual keys) belongs to the team; one shared with another team or set
/// on a customer is the platform's. A team key may take a budget of the team's or one nobody uses yet (a team admin
/// creates a budget, then sets it on a key), keeps the rate limit the platform gave it, and stays in the team (a key of a
/// team names no customer: the reader refuses both).
/// </summary>
internal static class GovernanceTeamScope
{
    /// <summary>The caller's team, or null for a global role (which sees everything).</summary>
    public static string? TeamOf(HttpContext context) => context.Features.Get<AdminCaller>()?.TeamId;

    public static bool Sees(VirtualKey key, string? team) => team is null || key.TeamId == team;

    public static bool SeesTeam(string teamId, string? team) => team is null || teamId == team;

    public static bool SeesBudget(GovernanceConfig merged, string budgetId, string? team)
    {
        if (team is null)
        {
            return true;
        }

        var any = false;
        foreach (var owner in Owners(merged, budgetId))
        {
            if (owner != team)
            {
                return false;
            }

            any = true;
        }

        return any;
    }

    /// <summary>Why a team-scoped caller may not save <paramref name="key"/> (replacing <paramref name="existing"/>), or null.</summary>
    public static string? KeyProblem(GovernanceConfig merged, VirtualKey key, VirtualKey? existing, string team)
    {
        if (key.TeamId != team)
        {
            return $"team_id must be '{team}'";
        }

        if (key.RateLimitId != existing?.RateLimitId)
        {
            return "rate_limit_id is set by a global admin";
        }

        if (key.BudgetId is { } budget && budget != existing?.BudgetId && !SeesBudget(merged, budget, team) && Owners(merged, budget).Any())
        {
            return $"budget '{budget}' is not one of team '{team}'";
        }

        return null;
    }

    /// <summary>The team of each entity naming the budget; null for one outside any team (a customer, a team-less key).</summary>
    private static IEnumerable<string?> Owners(GovernanceConfig merged, string budgetId) =>
        merged.Teams.Where(t => t.BudgetId == budgetId).Select(t => (string?)t.Id)
            .Concat(merged.Customers.Where(c => c.BudgetId == budgetId).Select(_ => (string?)null))
            .Concat(merged.VirtualKeys.Where(k => k.BudgetId == budgetId).Select(k => k.TeamId));
}
