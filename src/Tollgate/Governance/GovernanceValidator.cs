using Tollgate.Configuration;

namespace Tollgate.Governance;

/// <summary>
/// Cross-entity rules a single entity cannot check alone: unique ids and names, and references that resolve.
/// Runs on the merged view (config file plus store) before anything is saved, so nothing is ever half-created.
/// </summary>
internal static class GovernanceValidator
{
    /// <summary>Throws <see cref="ConfigException"/> naming the offending field; <paramref name="pathOf"/> renders paths for the source being checked.</summary>
    public static void Validate(GovernanceConfig config, Func<string, int, string, string> pathOf)
    {
        var budgets = Unique(config.Budgets.Select(b => b.Id), "budgets", pathOf);
        var rateLimits = Unique(config.RateLimits.Select(r => r.Id), "rate_limits", pathOf);
        var customers = Unique(config.Customers.Select(c => c.Id), "customers", pathOf);
        var teams = Unique(config.Teams.Select(t => t.Id), "teams", pathOf);
        Unique(config.VirtualKeys.Select(v => v.Id), "virtual_keys", pathOf);
        Unique(config.ModelLimits.Select(m => m.Id), "model_limits", pathOf);
        Unique(config.VirtualKeys.Select(v => v.Name), "virtual_keys", pathOf, "name");
        Unique(config.VirtualKeys.Select(v => v.KeyHash), "virtual_keys", pathOf, "value");

        for (var i = 0; i < config.Customers.Count; i++)
        {
            var customer = config.Customers[i];
            Reference(customer.BudgetId, budgets, pathOf("customers", i, "budget_id"), "budget");
            Reference(customer.RateLimitId, rateLimits, pathOf("customers", i, "rate_limit_id"), "rate limit");
        }

        for (var i = 0; i < config.Teams.Count; i++)
        {
            var team = config.Teams[i];
            Reference(team.CustomerId, customers, pathOf("teams", i, "customer_id"), "customer");
            Reference(team.BudgetId, budgets, pathOf("teams", i, "budget_id"), "budget");
            Reference(team.RateLimitId, rateLimits, pathOf("teams", i, "rate_limit_id"), "rate limit");
        }

        for (var i = 0; i < config.VirtualKeys.Count; i++)
        {
            var key = config.VirtualKeys[i];
            Reference(key.TeamId, teams, pathOf("virtual_keys", i, "team_id"), "team");
            Reference(key.CustomerId, customers, pathOf("virtual_keys", i, "customer_id"), "customer");
            Reference(key.BudgetId, budgets, pathOf("virtual_keys", i, "budget_id"), "budget");
            Reference(key.RateLimitId, rateLimits, pathOf("virtual_keys", i, "rate_limit_id"), "rate limit");
        }
    }

    private static HashSet<string> Unique(IEnumerable<string> values, string collection, Func<string, int, string, string> pathOf, string field = "id")
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var value in values)
        {
            if (!seen.Add(value))
            {
                var what = field == "value" ? "the same key value as another virtual key" : $"duplicate {field} '{value}'";
                throw new ConfigException(pathOf(collection, index, field), what);
            }

            index++;
        }

        return seen;
    }

    private static void Reference(string? id, HashSet<string> known, string path, string what)
    {
        if (id is not null && !known.Contains(id))
        {
            throw new ConfigException(path, $"unknown {what} '{id}'");
        }
    }
}
