using System.Text.Json;

namespace Tollgate.Guardrails;

/// <summary>
/// Makes the <see cref="IGuardrailCheck"/> for one configured rule whose <c>type</c> the in-process rule engine does not
/// implement itself (external providers, model-based checks). Registered in DI as many times as there are types
/// (<c>services.AddSingleton&lt;IGuardrailCheckFactory, XxxFactory&gt;()</c>); the engine picks the one whose
/// <see cref="Type"/> equals the rule's <c>type</c>. A rule type no factory claims fails config load.
/// </summary>
internal interface IGuardrailCheckFactory
{
    /// <summary>The rule <c>type</c> this factory serves, e.g. <c>azure_content_safety</c>; compared ordinally.</summary>
    string Type { get; }

    /// <summary>
    /// Builds the check for <paramref name="rule"/>, once per config load (not per request). Bad type-specific settings
    /// throw <see cref="Configuration.ConfigException"/> naming <paramref name="jsonPath"/> (e.g. <c>$.guardrails.rules[2]</c>)
    /// plus the field, e.g. <c>$.guardrails.rules[2].endpoint</c>.
    /// </summary>
    IGuardrailCheck Create(GuardrailRuleOptions rule, string jsonPath);
}

/// <summary>
/// One entry of <c>guardrails.rules</c> as parsed from config or the admin API. Common fields are typed;
/// <see cref="Settings"/> is the whole rule object as written, for type-specific fields (<c>endpoint</c>, <c>api_key</c>,
/// <c>categories</c>, <c>threshold</c>, ...), which the factory reads itself.
/// </summary>
internal sealed record GuardrailRuleOptions
{
    public required string Id { get; init; }

    public required string Type { get; init; }

    /// <summary><c>apply_to</c>: input, output or both (default both).</summary>
    public GuardrailApplyTo ApplyTo { get; init; } = GuardrailApplyTo.Both;

    /// <summary><c>action</c>: block (default), mask or log. Checks from factories return a verdict; the engine acts on it.</summary>
    public GuardrailAction Action { get; init; } = GuardrailAction.Block;

    /// <summary><c>scope.models</c>; empty = every model.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary><c>scope.providers</c>; empty = every provider.</summary>
    public IReadOnlyList<string> Providers { get; init; } = [];

    /// <summary><c>scope.keys</c> (virtual key ids); empty = every key.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];

    /// <summary><c>sampling</c>: share of requests checked, 0..1 (default 1).</summary>
    public double Sampling { get; init; } = 1.0;

    /// <summary><c>timeout_ms</c> for checks with I/O (default 2000); the engine cancels the token after it.</summary>
    public int TimeoutMs { get; init; } = 2000;

    /// <summary><c>on_error</c>: open (default, the request goes on) or closed (an error blocks).</summary>
    public GuardrailOnError OnError { get; init; } = GuardrailOnError.Open;

    /// <summary>Whether the rule came from the config file (read-only in the admin API).</summary>
    public bool FromConfig { get; init; }

    /// <summary>The rule object as written (a clone, safe to keep).</summary>
    public JsonElement Settings { get; init; }
}

internal enum GuardrailApplyTo
{
    Input,
    Output,
    Both,
}

internal enum GuardrailAction
{
    Block,
    Mask,
    Log,
}

internal enum GuardrailOnError
{
    Open,
    Closed,
}
