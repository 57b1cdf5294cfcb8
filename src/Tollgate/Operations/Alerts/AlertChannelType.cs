namespace Tollgate.Operations.Alerts;

public enum AlertChannelType
{
    Webhook,
    Slack,
    Teams,
    PagerDuty,
    Email,
}
