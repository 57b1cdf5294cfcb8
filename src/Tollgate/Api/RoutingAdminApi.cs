using Tollgate.Providers;
using Tollgate.Routing;

namespace Tollgate.Api;

/// <summary>
/// <c>GET /api/routing/health</c> (every key) and <c>GET /api/routing/routes</c> (every provider/model route): live
/// health, effective weight and circuit state; <c>POST /api/route/explain</c>.
/// </summary>
internal static class RoutingAdminApi
{
    public static IEndpointRouteBuilder MapRoutingAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/routing").RequireAdmin().WithTags("Admin: routing");
        group.MapGet("/routes", (RouteHealthRegistry routes) => Results.Json(
            routes.All.OrderBy(h => h.KeyName, StringComparer.Ordinal).Select(h => View(h)).ToList(),
            JsonOutput.Context.ListKeyHealthView));
        group.MapGet("/health", (ProviderRegistry registry) => Results.Json(
            registry.Providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal)
                .SelectMany(p => p.Health.Select(View))
                .ToList(),
            JsonOutput.Context.ListKeyHealthView));
        return MapExplain(endpoints);
    }

    private static KeyHealthView View(KeyHealth h) => new(
        h.Provider, h.KeyName, h.ConfiguredWeight, Math.Round(h.EffectiveWeight, 4), Math.Round(h.ErrorRate, 4),
        double.IsNaN(h.LatencyMs) ? null : Math.Round(h.LatencyMs, 2),
        double.IsNaN(h.TimeToFirstTokenMs) ? null : Math.Round(h.TimeToFirstTokenMs, 2),
        h.InFlight, h.State.ToString().ToLowerInvariant(), h.OpenUntil);

    private static IEndpointRouteBuilder MapExplain(IEndpointRouteBuilder endpoints)
    {
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
