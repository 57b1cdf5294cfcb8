namespace Tollgate.Governance.Usage;

/// <summary>What one inference request consumed and cost: the durable fact budgets are rebuilt from after a restart.</summary>
public sealed record UsageRecord
{
    public required string RequestId { get; init; }

    public required DateTimeOffset Time { get; init; }

    public string? VirtualKeyId { get; init; }

    public string? TeamId { get; init; }

    public string? CustomerId { get; init; }

    public required string Provider { get; init; }

    public required string Model { get; init; }

    public string? KeyName { get; init; }

    public int Status { get; init; }

    public int PromptTokens { get; init; }

    public int CompletionTokens { get; init; }

    public int CachedTokens { get; init; }

    public int CacheWriteTokens { get; init; }

    /// <summary>Cost in nano-USD; null when the model has no price.</summary>
    public long? CostNano { get; init; }

    /// <summary>True when the upstream reported no usage and the tokens were estimated.</summary>
    public bool Estimated { get; init; }
}
