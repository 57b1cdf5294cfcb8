using System.Text.RegularExpressions;
using Tollgate.Guardrails.Detection;

namespace Tollgate.Guardrails;

/// <summary>The compiled guardrails of one scope (gateway, a virtual key or a team): rules in the order written.</summary>
internal sealed class GuardrailsConfig
{
    public static readonly GuardrailsConfig Empty = new([]);

    public GuardrailsConfig(IReadOnlyList<GuardrailRule> rules)
    {
        Rules = rules;
        HasInput = rules.Any(static r => r.Options.ApplyTo != GuardrailApplyTo.Output);
        HasOutput = rules.Any(static r => r.Options.ApplyTo != GuardrailApplyTo.Input);
    }

    public IReadOnlyList<GuardrailRule> Rules { get; }

    public bool HasInput { get; }

    public bool HasOutput { get; }

    public bool IsEmpty => Rules.Count == 0;
}

/// <summary>Built-in rule kinds (run in process, synchronously); anything else is an <see cref="IGuardrailCheck"/>.</summary>
internal enum BuiltInKind
{
    None,
    Pii,
    Regex,
    Keywords,
    Size,
}

/// <summary>One compiled rule: its options and what it runs (a built-in detector or a check from a factory).</summary>
internal sealed class GuardrailRule
{
    public required GuardrailRuleOptions Options { get; init; }

    public BuiltInKind Kind { get; init; }

    /// <summary>PII entity types (for <see cref="BuiltInKind.Pii"/>).</summary>
    public IReadOnlyCollection<string> Entities { get; init; } = [];

    public Regex? Pattern { get; init; }

    /// <summary>The placeholder name of custom-regex and keyword findings (<c>CUSTOM</c>, <c>KEYWORD</c> by default).</summary>
    public string Entity { get; init; } = "CUSTOM";

    public KeywordMatcher? Keywords { get; init; }

    public int MaxChars { get; init; }

    public IGuardrailCheck? Check { get; init; }

    public bool Applies(GuardrailDirection direction) => Options.ApplyTo == GuardrailApplyTo.Both ||
        (direction == GuardrailDirection.Input ? Options.ApplyTo == GuardrailApplyTo.Input : Options.ApplyTo == GuardrailApplyTo.Output);

    /// <summary>Whether the rule's scope admits this call (empty lists admit everything).</summary>
    public bool InScope(string? model, string? provider, string? keyId) =>
        Matches(Options.Models, model) && Matches(Options.Providers, provider) && Matches(Options.Keys, keyId);

    private static bool Matches(IReadOnlyList<string> allowed, string? value)
    {
        if (allowed.Count == 0)
        {
            return true;
        }

        foreach (var item in allowed)
        {
            if (value is not null && (item == "*" || string.Equals(item, value, StringComparison.Ordinal) ||
                (item.EndsWith('*') && value.StartsWith(item.AsSpan(0, item.Length - 1), StringComparison.Ordinal))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Appends what the built-in detector finds in <paramref name="text"/>.</summary>
    public void Find(string text, List<Finding> findings)
    {
        switch (Kind)
        {
            case BuiltInKind.Pii:
                PiiDetectors.Find(text, Entities, findings);
                break;
            case BuiltInKind.Regex:
                foreach (var match in Pattern!.EnumerateMatches(text))
                {
                    if (match.Length > 0)
                    {
                        findings.Add(new Finding(match.Index, match.Length, Entity));
                    }
                }

                break;
            case BuiltInKind.Keywords:
                Keywords!.Find(text, Entity, findings);
                break;
            case BuiltInKind.Size:
                if (text.Length > MaxChars)
                {
                    findings.Add(new Finding(0, text.Length, "SIZE"));
                }

                break;
        }
    }
}
