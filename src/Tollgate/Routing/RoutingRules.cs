using Tollgate.Configuration;
using Tollgate.Inference;

namespace Tollgate.Routing;

/// <summary>Evaluates routing rules against a request; see <see cref="RoutingRule"/>.</summary>
internal static class RoutingRules
{
    /// <summary>The first matching rule and the target it picked, or null when no rule matches.</summary>
    /// <param name="health">Scales each target's weight by its route's health (1 = healthy); null to use weights as written.</param>
    public static (RoutingRule Rule, RouteTarget Target)? Apply(IReadOnlyList<RoutingRule> rules, string model, string? virtualKeyId, string? teamId,
        IHeaderDictionary headers, IReadOnlyDictionary<string, string>? metadata, Random random, Func<string, double>? health = null)
    {
        foreach (var rule in rules)
        {
            if (Matches(rule, model, virtualKeyId, teamId, headers, metadata))
            {
                return (rule, Pick(rule.Targets, random, health));
            }
        }

        return null;
    }

    public static bool Matches(RoutingRule rule, string model, string? virtualKeyId, string? teamId, IHeaderDictionary headers,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (rule.Model is not null && !Glob.Matches(rule.Model, model))
        {
            return false;
        }

        if (rule.VirtualKeys is not null && (virtualKeyId is null || !rule.VirtualKeys.Contains(virtualKeyId)))
        {
            return false;
        }

        if (rule.Teams is not null && (teamId is null || !rule.Teams.Contains(teamId)))
        {
            return false;
        }

        if (rule.Headers is not null)
        {
            foreach (var (name, value) in rule.Headers)
            {
                if (!string.Equals(headers[name].ToString(), value, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        if (rule.Metadata is not null)
        {
            foreach (var (key, value) in rule.Metadata)
            {
                if (metadata is null || !metadata.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static RouteTarget Pick(IReadOnlyList<RouteTarget> targets, Random random, Func<string, double>? health)
    {
        if (targets.Count == 1)
        {
            return targets[0];
        }

        var total = 0.0;
        foreach (var target in targets)
        {
            total += Weight(target, health);
        }

        if (total <= 0)
        {
            // Every target is failing: keep the written split rather than send nothing anywhere.
            health = null;
            foreach (var target in targets)
            {
                total += target.Weight;
            }
        }

        var pick = random.NextDouble() * total;
        foreach (var target in targets)
        {
            pick -= Weight(target, health);
            if (pick < 0)
            {
                return target;
            }
        }

        return targets[^1];
    }

    private static double Weight(RouteTarget target, Func<string, double>? health) =>
        health is null ? target.Weight : target.Weight * health(target.Model);
}
