namespace Tollgate.Observability.RequestLogs;

/// <summary>What a list, export or stats query selects; every field is optional and the set ones are ANDed.</summary>
internal sealed record RequestLogFilter
{
    public static readonly RequestLogFilter None = new();

    /// <summary>Inclusive lower bound on the entry's time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive upper bound on the entry's time.</summary>
    public DateTimeOffset? To { get; init; }

    public string? Provider { get; init; }

    public string? Model { get; init; }

    public string? VirtualKeyId { get; init; }

    public string? TeamId { get; init; }

    public string? CustomerId { get; init; }

    public string? KeyName { get; init; }

    public RequestLogStatusFilter Status { get; init; }

    /// <summary>The exact status when <see cref="Status"/> is <see cref="RequestLogStatusFilter.Code"/>.</summary>
    public int StatusCode { get; init; }

    public string? ErrorType { get; init; }

    public bool? Stream { get; init; }

    public double? MinLatencyMs { get; init; }

    /// <summary>Request id prefix (<c>q</c>).</summary>
    public string? IdPrefix { get; init; }
}
