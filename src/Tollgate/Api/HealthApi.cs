namespace Tollgate.Api;

/// <summary>The liveness probe; readiness (<c>/ready</c>) is the cluster's, in Cluster/ReadinessApi.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => Results.Json(new HealthStatus("ok"), JsonOutput.Context.HealthStatus)).WithTags("Health");
        return endpoints;
    }
}

internal sealed record HealthStatus(string Status);
