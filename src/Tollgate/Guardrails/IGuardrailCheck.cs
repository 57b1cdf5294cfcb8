namespace Tollgate.Guardrails;

/// <summary>Which side of the call a guardrail looks at.</summary>
internal enum GuardrailDirection
{
    Input,
    Output,
}

/// <summary>What a check decided about one text.</summary>
internal enum GuardrailOutcome
{
    Pass,
    Flagged,
    /// <summary>The check could not decide (provider down, slow, bad answer); the rule's <c>on_error</c> decides.</summary>
    Error,
}

/// <summary>
/// The verdict of one check: pass, flagged (with the categories that fired, never the matched text) or error.
/// <paramref name="Detail"/> is safe to log: a category list or an error reason, no content.
/// </summary>
internal sealed record GuardrailVerdict(GuardrailOutcome Outcome, IReadOnlyList<string> Categories, string? Detail = null)
{
    public static GuardrailVerdict Passed { get; } = new(GuardrailOutcome.Pass, []);

    public static GuardrailVerdict Failed(string reason) => new(GuardrailOutcome.Error, [], reason);
}

/// <summary>
/// A check that needs I/O (an external provider such as Azure AI Content Safety, AWS Bedrock ApplyGuardrail, OpenAI
/// moderation, a webhook, or a model the gateway routes to itself). In-process detectors (PII, regex, keywords) are not
/// this interface: they run synchronously on spans. One instance per configured rule; thread-safe.
/// </summary>
internal interface IGuardrailCheck
{
    /// <summary>The rule's type name in config (<c>azure_content_safety</c>, <c>bedrock</c>, <c>openai_moderation</c>, <c>webhook</c>, ...).</summary>
    string Type { get; }

    /// <summary>Checks one text. Must honour <paramref name="cancellationToken"/> (the rule's timeout) and never throw for
    /// provider failures: those are <see cref="GuardrailOutcome.Error"/>.</summary>
    ValueTask<GuardrailVerdict> CheckAsync(string text, GuardrailDirection direction, CancellationToken cancellationToken);
}
