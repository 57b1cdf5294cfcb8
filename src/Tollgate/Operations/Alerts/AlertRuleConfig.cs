namespace Tollgate.Operations.Alerts;

/// <summary>One alert rule; which fields apply depends on <see cref="Type"/> (validated at load).</summary>
public sealed record AlertRuleConfig
{
    public required string Id { get; init; }

    public required AlertRuleType Type { get; init; }

    /// <summary>Channel ids to notify; every one must be declared in <c>alerts.channels</c>.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>Budget usage: the budget, and the percentages of its limit that each fire once per window (50, 80, 100).</summary>
    public string? BudgetId { get; init; }

    public IReadOnlyList<double> Thresholds { get; init; } = [];

    /// <summary>Error rate (0..1), p95 latency (ms) or a count of rejections / drops in the window.</summary>
    public double Threshold { get; init; }

    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Error rate and latency: the fewest requests in the window that make the figure meaningful.</summary>
    public int MinRequests { get; init; } = 10;

    public string? Provider { get; init; }

    public string? Model { get; init; }

    public string? VirtualKeyId { get; init; }

    public string? KeyName { get; init; }

    /// <summary>No second notice for the same rule, instance and channel within this time after one was sent.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>PagerDuty's severities: <c>critical</c>, <c>error</c>, <c>warning</c>, <c>info</c>.</summary>
    public string Severity { get; init; } = "warning";
}
