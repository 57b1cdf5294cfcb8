using Tollgate.Configuration;
using Tollgate.Providers;

namespace Tollgate.Api;

/// <summary>Liveness and readiness probes.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => Results.Json(new HealthStatus("ok"), JsonOutput.Context.HealthStatus)).WithTags("Health");
        // A failing vault does not make the gateway unready: it serves the last good values, and says so here.
        endpoints.MapGet("/ready", (GatewayConfigMonitor config, ProviderRegistry registry, Secrets.VaultRegistry vaults) =>
            Results.Json(new ReadyStatus("ready", registry.Providers.Count, vaults.Current.Count == 0 ? null : vaults.Status()), JsonOutput.Context.ReadyStatus))
            .WithTags("Health");
        return endpoints;
    }
}

internal sealed record HealthStatus(string Status);

internal sealed record ReadyStatus(string Status, int Providers, IReadOnlyList<Secrets.VaultStoreStatus>? Vaults = null);
