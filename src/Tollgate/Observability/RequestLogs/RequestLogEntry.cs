namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// One client request as the request log, metrics and traces see it: who asked, where it went, what it cost and how
/// long it took. Built once when the request ends (after the last byte of a stream), then shared read-only by the
/// log writer and the metrics; content fields are set only when the virtual key's content logging asks for them.
/// </summary>
public sealed record RequestLogEntry
{
    /// <summary>The request id (<c>x-request-id</c>), unique per request.</summary>
    public required string Id { get; init; }

    /// <summary>When the gateway started handling the request (UTC).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The endpoint family: <c>chat.completions</c>, <c>completions</c>, <c>embeddings</c>, <c>responses</c>, <c>messages</c>.</summary>
    public required string Endpoint { get; init; }

    /// <summary>The request path as the client sent it (<c>/v1/chat/completions</c>, <c>/anthropic/v1/messages</c>, ...).</summary>
    public required string Path { get; init; }

    public bool Stream { get; init; }

    public string? VirtualKeyId { get; init; }

    public string? VirtualKeyName { get; init; }

    public string? TeamId { get; init; }

    public string? CustomerId { get; init; }

    /// <summary>The provider of the last attempted candidate; null when the request never reached routing.</summary>
    public string? Provider { get; init; }

    /// <summary>The model the upstream knows (after <c>provider/</c>) of the last attempted candidate.</summary>
    public string? Model { get; init; }

    /// <summary>The model as the client wrote it.</summary>
    public string? RequestedModel { get; init; }

    /// <summary>The provider key's name (never its value).</summary>
    public string? KeyName { get; init; }

    /// <summary>The HTTP status the client got (499 when the client went away first).</summary>
    public int Status { get; init; }

    /// <summary>OpenAI error type (<c>rate_limit_error</c>, <c>upstream_error</c>, ...); null on success.</summary>
    public string? ErrorType { get; init; }

    /// <summary>Error code (<c>budget_exceeded</c>, <c>rate_limit_exceeded</c>, ...); null on success.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The error message the client got, secrets already scrubbed; null on success.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Time from the request's arrival to its last byte.</summary>
    public double LatencyMs { get; init; }

    /// <summary>Time to the first streamed byte for streams; null otherwise.</summary>
    public double? TtftMs { get; init; }

    /// <summary>Time spent waiting on upstreams, all attempts.</summary>
    public double UpstreamMs { get; init; }

    public int PromptTokens { get; init; }

    public int CompletionTokens { get; init; }

    public int CachedTokens { get; init; }

    /// <summary>True when the upstream reported no usage and the tokens were estimated.</summary>
    public bool Estimated { get; init; }

    /// <summary>Cost in nano-USD over every candidate tried; null when no tried model has a price.</summary>
    public long? CostNano { get; init; }

    /// <summary>Upstream attempts over every candidate (0 when nothing was sent upstream).</summary>
    public int Attempts { get; init; }

    /// <summary>Fallback candidates tried after the requested model (0 when the first candidate answered).</summary>
    public int Fallbacks { get; init; }

    /// <summary>What the response cache did: <c>hit</c>, <c>semantic-hit</c>, <c>miss</c>, <c>bypass</c>; null when caching was off.</summary>
    public string? Cache { get; init; }

    /// <summary>On a cache hit, the cost in nano-USD of the upstream call the hit replaced (the caller paid nothing).</summary>
    public long? CacheSavedNano { get; init; }

    /// <summary>The client's request body (truncated or full per the content policy); null when content logging is off.</summary>
    public string? RequestBody { get; init; }

    /// <summary>What the client received (JSON, or the SSE text of a stream), per the content policy; null when off.</summary>
    public string? ResponseBody { get; init; }

    /// <summary>Gateway time not spent waiting on the upstream.</summary>
    public double OverheadMs => Math.Max(0, LatencyMs - UpstreamMs);

    public decimal? CostUsd => CostNano is { } nano ? nano / 1_000_000_000m : null;
}
