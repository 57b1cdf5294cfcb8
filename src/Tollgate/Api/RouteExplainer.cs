using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Governance.Model;
using Tollgate.Inference;
using Tollgate.Routing;

namespace Tollgate.Api;

/// <summary>
/// <c>POST /api/route/explain</c>: what a request would be routed to and why, without sending it. Body:
/// <c>{"model", "virtual_key_id"?, "headers"?: {name: value}, "metadata"?: {key: value}, "fallbacks"?: [...]}</c>.
/// </summary>
internal static class RouteExplainer
{
    public static async Task ExplainAsync(HttpContext context, GatewayConfigMonitor config, ModelRouter router, GovernanceRegistry governance,
        GovernanceService prices, TimeProvider time)
    {
        if (await AdminBody.ReadOrAnswerAsync(context).ConfigureAwait(false) is not { } document)
        {
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var modelElement) || TextOf(modelElement) is not { Length: > 0 } model)
            {
                await ErrorResponses.WriteAsync(context, GatewayError.BadRequest("'model' is required, as a string.", "model")).ConfigureAwait(false);
                return;
            }

            VirtualKey? key = null;
            if (root.TryGetProperty("virtual_key_id", out var keyElement) && TextOf(keyElement) is { } keyId
                && !governance.Current.VirtualKeys.TryGetValue(keyId, out key))
            {
                await ErrorResponses.WriteAsync(context, GatewayError.BadRequest($"Unknown virtual key '{keyId}'.", "virtual_key_id")).ConfigureAwait(false);
                return;
            }

            var headers = new HeaderDictionary();
            if (root.TryGetProperty("headers", out var headerElement) && headerElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in headerElement.EnumerateObject())
                {
                    headers[header.Name] = TextOf(header.Value);
                }
            }

            Dictionary<string, string>? metadata = null;
            if (root.TryGetProperty("metadata", out var metadataElement) && metadataElement.ValueKind == JsonValueKind.Object)
            {
                metadata = metadataElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String)
                    .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            }

            var now = time.GetUtcNow();
            var rule = config.Current.RoutingRules.FirstOrDefault(r => RoutingRules.Matches(r, model, key?.Id, key?.TeamId, headers, metadata));
            var primary = rule is null
                ? [new RouteTarget(model, 1)]
                : rule.Targets;
            var fallbacks = root.TryGetProperty("fallbacks", out var fallbackElement) && fallbackElement.ValueKind == JsonValueKind.Array
                ? fallbackElement.EnumerateArray().Select(TextOf).OfType<string>().ToList()
                : [];
            var total = primary.Sum(t => t.Weight);
            var candidates = primary.Select(t => Candidate(t.Model, total > 0 ? t.Weight / total : 0, "rule target", router, key, prices, now))
                .Concat(fallbacks.Select(f => Candidate(f, 0, "fallback", router, key, prices, now)))
                .ToList();
            var explanation = new RouteExplanation(model, rule?.Name, key?.Id, candidates);
            await Results.Json(explanation, JsonOutput.Context.RouteExplanation).ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>A string's value; null for any other kind (a what-if query ignores what it cannot use rather than failing).</summary>
    private static string? TextOf(JsonElement element) => element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private static RouteCandidate Candidate(string model, double share, string role, ModelRouter router, VirtualKey? key, GovernanceService governance, DateTimeOffset now)
    {
        var error = router.TryResolve(model, out var provider, out var upstreamModel);
        if (error is not null)
        {
            return new RouteCandidate(model, role == "rule target" ? share : null, role, null, null, error.Message, null, null, []);
        }

        var allowed = key is null || key.IsAllowed(provider.Name, upstreamModel);
        var price = governance.Prices.TryGet(provider.Name, provider.Traits.TypeName, upstreamModel, out var p)
            ? new PriceView($"{provider.Name}/{upstreamModel}", "catalog", p.InputPerMTok, p.OutputPerMTok, p.CachedInputPerMTok, p.CacheWritePerMTok, p.MaxOutputTokens)
            : null;
        var keys = new List<RouteKey>();
        var configured = provider.Config.Keys;
        var totalWeight = 0.0;
        for (var i = 0; i < provider.Health.Length; i++)
        {
            var usable = (configured.Count == 0 || KeySelector.AllowsModel(configured[i], upstreamModel)) && provider.Health[i].IsAvailable(now);
            totalWeight += usable ? provider.Health[i].EffectiveWeight : 0;
        }

        for (var i = 0; i < provider.Health.Length; i++)
        {
            var health = provider.Health[i];
            var allowsModel = configured.Count == 0 || KeySelector.AllowsModel(configured[i], upstreamModel);
            var usable = allowsModel && health.IsAvailable(now);
            keys.Add(new RouteKey(health.KeyName, allowsModel, health.ConfiguredWeight, Math.Round(health.EffectiveWeight, 4),
                health.State.ToString().ToLowerInvariant(), usable && totalWeight > 0 ? Math.Round(health.EffectiveWeight / totalWeight, 4) : 0));
        }

        var reason = !allowed ? "the virtual key may not use this model" : keys.Any(k => k.Share > 0) ? null : "no key can serve it now";
        return new RouteCandidate(model, role == "rule target" ? share : null, role, provider.Name, upstreamModel, reason, allowed, price, keys);
    }
}

internal sealed record RouteExplanation(string RequestedModel, string? Rule, string? VirtualKeyId, IReadOnlyList<RouteCandidate> Candidates);

internal sealed record RouteCandidate(string Model, double? Share, string Role, string? Provider, string? UpstreamModel, string? Problem,
    bool? AllowedForKey, PriceView? Price, IReadOnlyList<RouteKey> Keys);

internal sealed record RouteKey(string Name, bool AllowsModel, double ConfiguredWeight, double EffectiveWeight, string Circuit, double Share);
