using Tollgate.Governance.Model;
using Tollgate.Configuration;

namespace Tollgate.Api;

/// <summary>A virtual key as the admin API shows it: never its hash; its value only once, on creation or rotation.</summary>
internal sealed record VirtualKeyView(
    string Id,
    string Name,
    string? Description,
    string KeyHint,
    string? TeamId,
    string? CustomerId,
    string? BudgetId,
    string? RateLimitId,
    IReadOnlyList<ProviderAccess> ProviderConfigs,
    IReadOnlyList<string>? Fallbacks,
    DateTimeOffset? ExpiresAt,
    bool IsActive,
    int? MaxConcurrentRequests,
    string? LogContent,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PreviousKeyValidUntil,
    bool FromConfigFile,
    string? Value = null)
{
    public static VirtualKeyView From(VirtualKey key, string? value = null) => new(
        key.Id, key.Name, key.Description, key.KeyHint, key.TeamId, key.CustomerId, key.BudgetId, key.RateLimitId,
        key.ProviderConfigs, key.Fallbacks, key.ExpiresAt, key.IsActive, key.MaxConcurrentRequests,
        key.LogContent is { } mode ? LogContentModes.Name(mode) : null, key.CreatedAt, key.PreviousKeyValidUntil,
        key.FromConfigFile, value);
}

/// <summary>A budget with its live state in the current window.</summary>
internal sealed record BudgetView(
    string Id,
    decimal MaxLimitUsd,
    string ResetDuration,
    bool CalendarAligned,
    decimal? SoftLimitRatio,
    bool FromConfigFile,
    decimal SpentUsd,
    decimal ReservedUsd,
    decimal RemainingUsd,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd);

internal sealed record UsageReport(string GroupBy, bool ByDay, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UsageReportRow> Rows);

internal sealed record UsageReportRow(string? Key, string? Day, long Requests, long PromptTokens, long CompletionTokens, long CachedTokens, decimal CostUsd, long EstimatedRequests);

internal sealed record PriceView(string Model, string Source, decimal InputPerMtok, decimal OutputPerMtok, decimal? CachedInputPerMtok, decimal? CacheWritePerMtok, int? MaxOutputTokens);

internal sealed record RotateRequest(double? GracePeriodSeconds);
