using Tollgate.Configuration;
using Tollgate.Providers;

namespace Tollgate.Api;

/// <summary>Liveness and readiness probes.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => Results.Json(new HealthStatus("ok"), JsonOutput.Context.HealthStatus)).WithTags("Health");
        endpoints.MapGet("/ready", (ProviderRegistry registry, Cluster.ClusterStatus cluster) =>
        {
            // Draining (SIGTERM): 503 at once so the load balancer stops sending; in a cluster, the counters' state too.
            if (cluster.Draining || cluster.Mode != "single")
            {
                return Results.Json(new Cluster.ClusterReadyStatus(cluster.Draining ? "draining" : "ready", registry.Providers.Count, cluster.Readiness()),
                    Cluster.ClusterJsonContext.Default.ClusterReadyStatus, statusCode: cluster.Draining ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
            }

            return Results.Json(new ReadyStatus("ready", registry.Providers.Count), JsonOutput.Context.ReadyStatus);
        }).WithTags("Health");
        return endpoints;
    }
}

internal sealed record HealthStatus(string Status);

internal sealed record ReadyStatus(string Status, int Providers);
