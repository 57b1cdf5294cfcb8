namespace Tollgate.Providers;

/// <summary>
/// Whether upstream calls go through the standard proxy variables (<c>HTTPS_PROXY</c>, <c>HTTP_PROXY</c>,
/// <c>ALL_PROXY</c>, any case, with <c>NO_PROXY</c>), as in a private network whose only egress is a proxy. Without any
/// of them the handlers keep the proxy off, as YARP's forwarder does, so the direct path pays no proxy lookup.
/// </summary>
internal static class UpstreamProxy
{
    // The names HttpClient.DefaultProxy reads on Linux and macOS (System.Net.Http's HttpEnvironmentProxy).
    private static readonly string[] Variables = ["https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"];

    public static bool IsConfigured { get; } = Variables.Any(name => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name)));
}
