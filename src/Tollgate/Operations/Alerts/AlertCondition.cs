namespace Tollgate.Operations.Alerts;

/// <summary>One instance of a rule as a signal sees it now; an instance a signal stops reporting counts as cleared.</summary>
public sealed record AlertCondition(string Instance, bool Firing, string Summary, double? Value, double? Threshold);
