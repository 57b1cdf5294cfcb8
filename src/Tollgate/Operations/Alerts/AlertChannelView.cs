namespace Tollgate.Operations.Alerts;

/// <summary>A channel as the API shows it: where it goes, never its secrets (webhook URLs of Slack/Teams embed a token).</summary>
internal sealed record AlertChannelView(string Id, string Type, string Target, bool Signed);
