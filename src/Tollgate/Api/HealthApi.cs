using Tollgate.Configuration;
using Tollgate.Providers;

namespace Tollgate.Api;

/// <summary>Liveness and readiness probes.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/health", () => Results.Json(new HealthStatus("ok"), JsonOutput.Context.HealthStatus)).WithTags("Health");
        endpoints.MapGet("/ready", (GatewayConfigMonitor config, ProviderRegistry registry) =>
            Results.Json(new ReadyStatus("ready", registry.Providers.Count), JsonOutput.Context.ReadyStatus)).WithTags("Health");
        return endpoints;
    }
}

internal sealed record HealthStatus(string Status);

internal sealed record ReadyStatus(string Status, int Providers);
