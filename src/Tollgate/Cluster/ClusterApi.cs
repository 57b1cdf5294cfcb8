using Tollgate.Api;

namespace Tollgate.Cluster;

/// <summary><c>GET /api/cluster</c>: the live instances (id, address, version, config hash, last heartbeat) and the leader.</summary>
internal static class ClusterApi
{
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/cluster").RequireAdmin().WithTags("Admin: cluster");
        group.MapGet("/", (ClusterStatus status) => Results.Json(status.View(), ClusterJsonContext.Default.ClusterView));
        return group;
    }
}
