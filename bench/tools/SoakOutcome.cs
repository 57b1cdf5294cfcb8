namespace Tollgate.Bench.Tools;

/// <summary>How one soak request ended, as the client saw it.</summary>
internal enum SoakOutcome
{
    /// <summary>2xx, a complete JSON answer or a stream that reached <c>data: [DONE]</c>.</summary>
    Ok,

    /// <summary>A 4xx in the gateway's error shape (429 after the gateway's own retries, for instance).</summary>
    ClientError,

    /// <summary>A 5xx the upstream caused: <c>upstream_error</c> type or an upstream status passed through after retries.</summary>
    UpstreamError,

    /// <summary>A stream that began and then ended with the gateway's error event (the upstream dropped it mid-way).</summary>
    StreamEndedWithError,

    /// <summary>The gateway's own fault: <c>internal_error</c>, a body that is not the JSON it claims, a broken answer.</summary>
    GatewayError,
}
