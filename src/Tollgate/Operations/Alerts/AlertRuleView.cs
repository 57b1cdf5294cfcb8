namespace Tollgate.Operations.Alerts;

internal sealed record AlertRuleView(string Id, string Type, IReadOnlyList<string> Channels, string Severity, string? BudgetId, IReadOnlyList<double> Thresholds,
    double Threshold, int WindowSeconds, int CooldownSeconds, int MinRequests, string? Provider, string? Model, string? VirtualKeyId, string? KeyName);
