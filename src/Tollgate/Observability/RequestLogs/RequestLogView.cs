namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// An entry as the admin API shows it in lists and exports (snake_case JSON, no content). Not sealed:
/// <see cref="RequestLogDetailView"/> is the same with the content, and the JSON should not repeat 28 fields by hand.
/// </summary>
internal record RequestLogView
{
    public required string Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required string Endpoint { get; init; }

    public required string Path { get; init; }

    public bool Stream { get; init; }

    public string? VirtualKeyId { get; init; }

    public string? VirtualKeyName { get; init; }

    public string? TeamId { get; init; }

    public string? CustomerId { get; init; }

    public string? Provider { get; init; }

    public string? Model { get; init; }

    public string? RequestedModel { get; init; }

    public string? KeyName { get; init; }

    public int Status { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    public double LatencyMs { get; init; }

    public double? TtftMs { get; init; }

    public double UpstreamMs { get; init; }

    public double OverheadMs { get; init; }

    public int PromptTokens { get; init; }

    public int CompletionTokens { get; init; }

    public int CachedTokens { get; init; }

    public bool Estimated { get; init; }

    public decimal? CostUsd { get; init; }

    public int Attempts { get; init; }

    public int Fallbacks { get; init; }

    /// <summary>What the response cache did (<c>hit</c>, <c>semantic-hit</c>, <c>miss</c>, <c>bypass</c>); null when off.</summary>
    public string? Cache { get; init; }

    /// <summary>On a hit, what the upstream call it replaced cost.</summary>
    public decimal? CacheSavedUsd { get; init; }

    public static RequestLogView From(RequestLogEntry entry) => new()
    {
        Id = entry.Id,
        Time = entry.Time.ToUniversalTime(),
        Endpoint = entry.Endpoint,
        Path = entry.Path,
        Stream = entry.Stream,
        VirtualKeyId = entry.VirtualKeyId,
        VirtualKeyName = entry.VirtualKeyName,
        TeamId = entry.TeamId,
        CustomerId = entry.CustomerId,
        Provider = entry.Provider,
        Model = entry.Model,
        RequestedModel = entry.RequestedModel,
        KeyName = entry.KeyName,
        Status = entry.Status,
        ErrorType = entry.ErrorType,
        ErrorCode = entry.ErrorCode,
        ErrorMessage = entry.ErrorMessage,
        LatencyMs = entry.LatencyMs,
        TtftMs = entry.TtftMs,
        UpstreamMs = entry.UpstreamMs,
        OverheadMs = entry.OverheadMs,
        PromptTokens = entry.PromptTokens,
        CompletionTokens = entry.CompletionTokens,
        CachedTokens = entry.CachedTokens,
        Estimated = entry.Estimated,
        CostUsd = entry.CostUsd,
        Attempts = entry.Attempts,
        Fallbacks = entry.Fallbacks,
        Cache = entry.Cache,
        CacheSavedUsd = entry.CacheSavedNano is { } saved ? saved / 1_000_000_000m : null,
    };
}
