namespace Tollgate.Operations.Alerts;

/// <summary>One line of the alert history: a notice to one channel, and how its delivery went.</summary>
public sealed record AlertEvent(
    DateTimeOffset Time,
    string RuleId,
    string RuleType,
    string Instance,
    string Kind,
    string ChannelId,
    bool Ok,
    int Attempts,
    string Detail,
    string Summary);
