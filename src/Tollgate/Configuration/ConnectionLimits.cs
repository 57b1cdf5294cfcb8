namespace Tollgate.Configuration;

/// <summary>
/// Kestrel's limits on client connections, set on purpose rather than left at whatever the server ships with (issue 20),
/// and read once at start (Kestrel takes its limits when it starts listening). Fields live in <c>client</c>:
/// <c>keep_alive_timeout_seconds</c>, <c>request_headers_timeout_seconds</c>, <c>min_request_body_bytes_per_second</c>,
/// <c>min_response_bytes_per_second</c>, <c>max_connections</c>, <c>max_request_headers_kb</c>.
/// </summary>
public sealed record ConnectionLimits
{
    /// <summary>Idle keep-alive connections close after this; longer than the 60 s idle timeout of common load balancers
    /// (AWS ALB, nginx), so the balancer, not the gateway, closes first and never sends on a connection being closed.</summary>
    public int KeepAliveTimeoutSeconds { get; init; } = 130;

    /// <summary>All request headers must arrive within this (slowloris); clients and balancers send them in one packet.</summary>
    public int RequestHeadersTimeoutSeconds { get; init; } = 10;

    /// <summary>A request body slower than this (after a 5 s grace) ends with 408; 0 turns the check off.</summary>
    public int MinRequestBodyBytesPerSecond { get; init; } = 240;

    /// <summary>A client that reads a response slower than this while the gateway is waiting to write (after a 5 s grace)
    /// is disconnected; a stream whose upstream is merely slow is not affected. 0 turns the check off.</summary>
    public int MinResponseBytesPerSecond { get; init; } = 240;

    /// <summary>Open client connections beyond this are closed at once, before the process runs out of file descriptors
    /// (which would also break upstream connections and the store); 0 means no limit.</summary>
    public int MaxConnections { get; init; } = 15_000;

    /// <summary>Total size of a request's headers; enough for long bearer tokens and cookies.</summary>
    public int MaxRequestHeadersKb { get; init; } = 32;
}
