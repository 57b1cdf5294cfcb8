namespace Tollgate.Operations.Alerts;

/// <summary>The config file's <c>alerts</c> section (DESIGN.md, wave 2 contracts): where notices go and when they fire.</summary>
public sealed record AlertsConfig
{
    public static readonly AlertsConfig Empty = new();

    public IReadOnlyList<AlertChannelConfig> Channels { get; init; } = [];

    public IReadOnlyList<AlertRuleConfig> Rules { get; init; } = [];

    /// <summary>How often the leader evaluates the rules.</summary>
    public TimeSpan EvaluationInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Lets channels reach link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, ...). Off by default: a
    /// webhook URL an admin types must not become a way to read the host's instance credentials.
    /// </summary>
    public bool AllowLinkLocal { get; init; }
}
