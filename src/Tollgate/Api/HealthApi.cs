using Tollgate.Cluster;
using Tollgate.Configuration;
using Tollgate.Providers;
using Tollgate.Secrets;

namespace Tollgate.Api;

/// <summary>Liveness and readiness probes.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => Results.Json(new HealthStatus("ok"), JsonOutput.Context.HealthStatus)).WithTags("Health");
        // Draining (SIGTERM): 503 at once so the load balancer stops sending. In a cluster the counters' state is shown;
        // a failing vault does not make the gateway unready (it serves the last good values) but says so here.
        endpoints.MapGet("/ready", (ProviderRegistry registry, ClusterStatus cluster, VaultRegistry vaults) =>
        {
            var clusterState = cluster.Draining || cluster.Mode != "single" ? cluster.Readiness() : null;
            var vaultState = vaults.Current.Count == 0 ? null : vaults.Status();
            return Results.Json(new ReadyStatus(cluster.Draining ? "draining" : "ready", registry.Providers.Count, clusterState, vaultState),
                JsonOutput.Context.ReadyStatus, statusCode: cluster.Draining ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        }).WithTags("Health");
        return endpoints;
    }
}

internal sealed record HealthStatus(string Status);

internal sealed record ReadyStatus(string Status, int Providers, ClusterReadiness? Cluster = null, IReadOnlyList<VaultStoreStatus>? Vaults = null);
