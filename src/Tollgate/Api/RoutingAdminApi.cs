using Tollgate.Providers;
using Tollgate.Routing;

namespace Tollgate.Api;

/// <summary><c>GET /api/routing/health</c>: every key's live health, effective weight and circuit state.</summary>
internal static class RoutingAdminApi
{
    public static IEndpointRouteBuilder MapRoutingAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/routing").RequireAdmin().WithTags("Admin: routing");
        group.MapGet("/health", (ProviderRegistry registry) => Results.Json(
            registry.Providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal)
                .SelectMany(p => p.Health.Select(h => new KeyHealthView(
                    h.Provider, h.KeyName, h.ConfiguredWeight, Math.Round(h.EffectiveWeight, 4), Math.Round(h.ErrorRate, 4),
                    double.IsNaN(h.LatencyMs) ? null : Math.Round(h.LatencyMs, 2),
                    double.IsNaN(h.TimeToFirstTokenMs) ? null : Math.Round(h.TimeToFirstTokenMs, 2),
                    h.InFlight, h.State.ToString().ToLowerInvariant(), h.OpenUntil)))
                .ToList(),
            JsonOutput.Context.ListKeyHealthView));
        endpoints.MapGroup("/api/route").RequireAdmin().WithTags("Admin: routing").MapPost("/explain", RouteExplainer.ExplainAsync);
        return endpoints;
    }
}

internal sealed record KeyHealthView(
    string Provider,
    string Key,
    double ConfiguredWeight,
    double EffectiveWeight,
    double ErrorRate,
    double? LatencyMs,
    double? TimeToFirstTokenMs,
    int InFlight,
    string Circuit,
    DateTimeOffset? OpenUntil);
