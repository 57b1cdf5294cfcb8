using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Tollgate.Configuration;

/// <summary>Applies <see cref="ConnectionLimits"/> to Kestrel.</summary>
internal static class KestrelLimits
{
    private static readonly TimeSpan DataRateGracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Called once the config file is loaded and before the server starts: Kestrel reads its limits when it starts
    /// listening and on each connection, while its options object can be built earlier, with the host.
    /// </summary>
    public static void ApplyConfigured(IServiceProvider services) =>
        Apply(services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits,
            services.GetRequiredService<GatewayConfigMonitor>().Current.Client.Connections);

    public static void Apply(KestrelServerLimits limits, ConnectionLimits connections)
    {
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(connections.KeepAliveTimeoutSeconds);
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(connections.RequestHeadersTimeoutSeconds);
        limits.MinRequestBodyDataRate = connections.MinRequestBodyBytesPerSecond > 0
            ? new MinDataRate(connections.MinRequestBodyBytesPerSecond, DataRateGracePeriod) : null;
        limits.MinResponseDataRate = connections.MinResponseBytesPerSecond > 0
            ? new MinDataRate(connections.MinResponseBytesPerSecond, DataRateGracePeriod) : null;
        limits.MaxConcurrentConnections = connections.MaxConnections > 0 ? connections.MaxConnections : null;
        // Nothing here speaks WebSocket or any other upgraded protocol: an upgrade would only hold a connection open.
        limits.MaxConcurrentUpgradedConnections = 0;
        limits.MaxRequestHeadersTotalSize = connections.MaxRequestHeadersKb * 1024;
        // The inference pipeline enforces client.max_request_body_size_mb itself, with an OpenAI-shaped 413.
        limits.MaxRequestBodySize = null;
    }
}
