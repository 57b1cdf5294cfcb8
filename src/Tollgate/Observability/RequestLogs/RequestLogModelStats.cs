namespace Tollgate.Observability.RequestLogs;

/// <summary>One (provider, model) of the top-10 breakdown, by requests.</summary>
internal sealed record RequestLogModelStats(
    string? Provider,
    string? Model,
    long Requests,
    long Errors,
    long PromptTokens,
    long CompletionTokens,
    decimal CostUsd);
