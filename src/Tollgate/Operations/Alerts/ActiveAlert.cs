namespace Tollgate.Operations.Alerts;

/// <summary>A rule instance that is firing now, and the channels told so (they get the resolved notice).</summary>
public sealed record ActiveAlert(string RuleId, string RuleType, string Instance, DateTimeOffset Since, string Summary, double? Value, IReadOnlyList<string> NotifiedChannels);
