namespace Tollgate.Operations.Alerts;

/// <summary>
/// One notification channel. Secrets (<see cref="Secret"/>, <see cref="RoutingKey"/>, <see cref="Password"/>, and the
/// webhook URLs of Slack and Teams, which embed a token) are resolved at load (<c>env.</c>/<c>file.</c> references) and
/// never shown by the API.
/// </summary>
public sealed record AlertChannelConfig
{
    public required string Id { get; init; }

    public required AlertChannelType Type { get; init; }

    /// <summary>Where to POST (webhook, Slack, Teams; PagerDuty's events endpoint, defaulting to PagerDuty's own).</summary>
    public string? Url { get; init; }

    /// <summary>Webhook: the HMAC-SHA256 key of the <c>x-tollgate-signature</c> header.</summary>
    public string? Secret { get; init; }

    /// <summary>PagerDuty: the integration's routing key.</summary>
    public string? RoutingKey { get; init; }

    public string? SmtpHost { get; init; }

    public int SmtpPort { get; init; } = 587;

    public string? Username { get; init; }

    public string? Password { get; init; }

    public string? From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>Email: <c>required</c> (default), <c>when_available</c> or <c>none</c>.</summary>
    public string StartTls { get; init; } = "required";

    /// <summary>Email, tests and private relays only: accept the server's certificate unchecked.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>Webhook: attempts in all, with exponential backoff between them.</summary>
    public int MaxAttempts { get; init; } = 4;
}
