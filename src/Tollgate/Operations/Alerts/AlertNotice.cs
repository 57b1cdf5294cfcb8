namespace Tollgate.Operations.Alerts;

/// <summary>What a channel sends: one rule instance firing, clearing, or a test.</summary>
/// <param name="Instance">What within the rule fired: a budget level (<c>80%</c>), a key (<c>openai/oa-1</c>), or empty.</param>
/// <param name="DedupKey">Stable per rule and instance, so PagerDuty folds repeats into one incident and resolves it.</param>
public sealed record AlertNotice(
    AlertNoticeKind Kind,
    string RuleId,
    string RuleType,
    string Instance,
    string Severity,
    string Summary,
    double? Value,
    double? Threshold,
    DateTimeOffset Time,
    string DedupKey)
{
    public string KindName => Kind switch
    {
        AlertNoticeKind.Triggered => "triggered",
        AlertNoticeKind.Resolved => "resolved",
        _ => "test",
    };

    public string Title => Kind switch
    {
        AlertNoticeKind.Triggered => $"[Tollgate] {RuleId} triggered",
        AlertNoticeKind.Resolved => $"[Tollgate] {RuleId} resolved",
        _ => "[Tollgate] test notice",
    } + (Instance.Length > 0 ? $" ({Instance})" : "");
}
