namespace Tollgate.Operations.Alerts;

internal sealed record AlertsView(int EvaluationIntervalSeconds, IReadOnlyList<AlertChannelView> Channels, IReadOnlyList<AlertRuleView> Rules, IReadOnlyList<ActiveAlert> Active);
