namespace Tollgate.Governance;

/// <summary>One group of <see cref="IGovernanceStore.Aggregate"/>: a key (model, provider, ...) and, by day, a UTC date <c>yyyy-MM-dd</c>.</summary>
internal sealed record UsageRow(string? Key, string? Day, long Requests, long PromptTokens, long CompletionTokens, long CachedTokens, long CostNano, long EstimatedRequests);
