namespace Tollgate.Operations.Alerts;

public enum AlertNoticeKind
{
    Triggered,
    Resolved,
    Test,
}
