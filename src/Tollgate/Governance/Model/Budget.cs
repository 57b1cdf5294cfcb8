namespace Tollgate.Governance.Model;

/// <summary>A spending cap in USD per period, shared by every entity that names it.</summary>
public sealed record Budget
{
    public required string Id { get; init; }

    public required decimal MaxLimitUsd { get; init; }

    /// <summary><c>1m</c>, <c>1h</c>, <c>1d</c>, <c>1w</c>, <c>1M</c>, <c>1Y</c> (or N times one of them).</summary>
    public required string ResetDuration { get; init; }

    /// <summary>Windows start at UTC calendar boundaries (midnight, Monday, the 1st) rather than at creation.</summary>
    public bool CalendarAligned { get; init; }

    /// <summary>Fraction of the limit (0..1) past which alerts fire (later issue); never blocks.</summary>
    public decimal? SoftLimitRatio { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public bool FromConfigFile { get; init; }
}
