using Tollgate.Providers;
using Tollgate.Secrets;

namespace Tollgate.Cluster;

/// <summary>
/// <c>GET /ready</c>: whether a load balancer should send this instance traffic. It lives with the cluster because what
/// it reports is the instance's place in one: draining after SIGTERM answers 503 at once; in a cluster the counters'
/// state is shown; a failing vault does not make the gateway unready (it serves the last good values) but says so.
/// </summary>
internal static class ReadinessApi
{
    public static IEndpointRouteBuilder MapReadinessApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/ready", (ProviderRegistry registry, ClusterStatus cluster, VaultRegistry vaults) =>
        {
            var clusterState = cluster.Draining || cluster.Mode != "single" ? cluster.Readiness() : null;
            var vaultState = vaults.Current.Count == 0 ? null : vaults.Status();
            return Results.Json(new ReadyStatus(cluster.Draining ? "draining" : "ready", registry.Providers.Count, clusterState, vaultState),
                ClusterJsonContext.Default.ReadyStatus, statusCode: cluster.Draining ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        }).WithTags("Health");
        return endpoints;
    }
}
