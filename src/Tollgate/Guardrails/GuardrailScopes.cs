using System.Runtime.CompilerServices;
using System.Text.Json;
using Tollgate.Governance;
using Tollgate.Governance.Model;

namespace Tollgate.Guardrails;

/// <summary>
/// The rules in force for one request: the gateway's, then its virtual key's, then the key's team's. Per-key sets are
/// compiled once per key snapshot (entities are immutable records, replaced on change) and cached weakly.
/// </summary>
internal sealed class GuardrailScopes(GovernanceRegistry governance, GuardrailsReader reader)
{
    private readonly ConditionalWeakTable<VirtualKey, Entry> _cache = [];

    /// <summary>The input stage's state per request, for the answer stage. Kestrel reuses HttpContext objects, so the
    /// input stage sets or removes the entry on every request; a lookup allocates nothing (no rules, no cost).</summary>
    public ConditionalWeakTable<HttpContext, GuardrailRequestState> States { get; } = [];

    public GuardrailsConfig For(GuardrailsConfig gateway, VirtualKey? key)
    {
        if (key is null)
        {
            return gateway;
        }

        var team = key.TeamId is { } teamId && governance.Current.Teams.TryGetValue(teamId, out var t) ? t : null;
        if (key.Guardrails is null && team?.Guardrails is null)
        {
            return gateway;
        }

        if (_cache.TryGetValue(key, out var entry) && ReferenceEquals(entry.Gateway, gateway) && ReferenceEquals(entry.Team, team))
        {
            return entry.Config;
        }

        var rules = new List<GuardrailRule>(gateway.Rules);
        Add(rules, key.Guardrails, $"virtual_keys[{key.Id}].guardrails", "vk." + key.Id + ".");
        Add(rules, team?.Guardrails, $"teams[{team?.Id}].guardrails", "team." + team?.Id + ".");
        var config = new GuardrailsConfig(rules);
        _cache.AddOrUpdate(key, new Entry(gateway, team, config));
        return config;
    }

    private void Add(List<GuardrailRule> rules, JsonElement? section, string path, string prefix)
    {
        if (section is not { ValueKind: JsonValueKind.Object } element)
        {
            return;
        }

        foreach (var rule in reader.Read(element, path).Rules)
        {
            // Databricks-shape rules are named input.pii etc.; the prefix tells a key's from the gateway's.
            rules.Add(rule.Options.Id.StartsWith("input.", StringComparison.Ordinal) || rule.Options.Id.StartsWith("output.", StringComparison.Ordinal)
                ? new GuardrailRule
                {
                    Options = rule.Options with { Id = prefix + rule.Options.Id },
                    Kind = rule.Kind, Entities = rule.Entities, Pattern = rule.Pattern, Entity = rule.Entity, Keywords = rule.Keywords, MaxChars = rule.MaxChars, Check = rule.Check,
                }
                : rule);
        }
    }

    private sealed record Entry(GuardrailsConfig Gateway, Team? Team, GuardrailsConfig Config);
}
