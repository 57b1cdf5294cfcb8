namespace Tollgate.Audit;

/// <summary>Filters of <c>GET /api/audit</c>; entries come newest first, <see cref="Before"/> is the paging cursor.</summary>
public sealed record AuditQuery
{
    public const int MaxLimit = 500;

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Exact actor name.</summary>
    public string? Actor { get; init; }

    public string? ActorKind { get; init; }

    /// <summary>A substring of the action (<c>providers</c>, <c>DELETE</c>, <c>auth/login</c>).</summary>
    public string? Action { get; init; }

    /// <summary>A prefix of the target (<c>/api/virtual-keys/vk-1</c>).</summary>
    public string? Target { get; init; }

    /// <summary><c>success</c> or <c>failure</c>.</summary>
    public string? Outcome { get; init; }

    /// <summary>Only entries with a smaller id (the <c>next_cursor</c> of the page before).</summary>
    public long? Before { get; init; }

    public int Limit { get; init; } = 50;
}
