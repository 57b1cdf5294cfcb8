using Tollgate.Configuration;

namespace Tollgate.Governance.Model;

/// <summary>
/// A virtual key: what a client presents instead of a provider key. Only the SHA-256 of its value is kept; the
/// value itself is shown once, at creation or rotation.
/// </summary>
public sealed record VirtualKey
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>Hex SHA-256 of the key value.</summary>
    public required string KeyHash { get; init; }

    /// <summary>A recognisable, harmless part of the value for display (<c>sk-tg-…a1b2</c>).</summary>
    public required string KeyHint { get; init; }

    /// <summary>After a rotation the old value keeps working until <see cref="PreviousKeyValidUntil"/>.</summary>
    public string? PreviousKeyHash { get; init; }

    public DateTimeOffset? PreviousKeyValidUntil { get; init; }

    public string? TeamId { get; init; }

    public string? CustomerId { get; init; }

    public string? BudgetId { get; init; }

    public string? RateLimitId { get; init; }

    /// <summary>Providers (and models within them) this key may use; empty means every provider and model.</summary>
    public IReadOnlyList<ProviderAccess> ProviderConfigs { get; init; } = [];

    /// <summary>Models to fall back to, in order, when a request with this key names no fallbacks of its own.</summary>
    public IReadOnlyList<string>? Fallbacks { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public bool IsActive { get; init; } = true;

    /// <summary>Most requests this key may have in flight at once; null for no cap.</summary>
    public int? MaxConcurrentRequests { get; init; }

    /// <summary>How much prompt and answer text the request log keeps for this key; null follows <c>client.log_content</c>.</summary>
    public LogContentMode? LogContent { get; init; }

    /// <summary>This key's exact cache (<c>cache</c>: enabled, ttl_seconds, scope), replacing <c>cache.exact</c>; null follows it.</summary>
    public ExactCacheConfig? Cache { get; init; }

    /// <summary><c>guardrails</c> as written (Databricks shape plus rules), validated on load; see docs/guardrails.md.</summary>
    public System.Text.Json.JsonElement? Guardrails { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public bool FromConfigFile { get; init; }
}

/// <summary>One provider a virtual key may use, the models it may call there (globs), and its traffic weight.</summary>
public sealed record ProviderAccess(string Provider, IReadOnlyList<string> AllowedModels, double Weight = 1.0);
