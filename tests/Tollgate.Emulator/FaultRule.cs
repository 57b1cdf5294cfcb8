namespace Tollgate.Emulator;

/// <summary>
/// One injected failure. Match fields that are null match anything; the first active rule that matches a
/// request applies to it, and <see cref="Times"/> counts how many requests it may still hit.
/// </summary>
public sealed record FaultRule
{
    /// <summary>"openai", "azure", "anthropic", "databricks", "compat"; null matches any provider.</summary>
    public string? Provider { get; init; }

    /// <summary>Case-insensitive substring of the request's path and query.</summary>
    public string? PathContains { get; init; }

    /// <summary>The credential the request carried: bearer token, <c>api-key</c>, <c>x-api-key</c>, or a Basic client id.</summary>
    public string? KeyEquals { get; init; }

    /// <summary>The request body's <c>model</c> field (handy for fallback tests that fail one model only).</summary>
    public string? ModelEquals { get; init; }

    /// <summary>HTTP status to answer with, in the provider's own error shape; 0 means no status fault.</summary>
    public int Status { get; init; }

    /// <summary>Sets the <c>Retry-After</c> header on the fault response.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Sleep before answering (or before the normal response when <see cref="Status"/> is 0); a client abort ends the wait.</summary>
    public int DelayMs { get; init; }

    /// <summary>For streams: send this many SSE events, then abort the connection. Rules with only this set match streaming requests only.</summary>
    public int? DropStreamAfterEvents { get; init; }

    /// <summary>How many matching requests the rule applies to; -1 means forever, 0 means never.</summary>
    public int Times { get; init; } = 1;

    /// <summary>
    /// Chance (0..1) that the rule fires for a request it matches; default 1 (always). A matching request it
    /// does not fire for goes on to the next rule (or is answered normally) and does not use up <see cref="Times"/>.
    /// </summary>
    public double Probability { get; init; } = 1;

    /// <summary>Overrides the provider error code (Databricks <c>error_code</c>: a value that parses as an int is emitted as a JSON number).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Overrides the error message.</summary>
    public string? Message { get; init; }
}
