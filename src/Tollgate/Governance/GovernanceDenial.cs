namespace Tollgate.Governance;

/// <summary>A refusal by governance, as a value: what the client is told, without any HTTP in it.</summary>
/// <param name="Code">The error's machine-readable code (<c>budget_exceeded</c>, <c>rate_limit_exceeded</c>, ...).</param>
/// <param name="Param">The request field at fault, when one is (<c>model</c>).</param>
internal sealed record GovernanceDenial(GovernanceDenialKind Kind, string Message, string Code, string? Param = null)
{
    /// <summary>Seconds until a retry can succeed; null when waiting will not help.</summary>
    public int? RetryAfterSeconds { get; init; }
}
