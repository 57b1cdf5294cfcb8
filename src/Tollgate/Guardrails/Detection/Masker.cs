using System.Text;

namespace Tollgate.Guardrails.Detection;

/// <summary>
/// Replaces findings with typed placeholders (<c>&lt;EMAIL_1&gt;</c>). One masker lives for one request, so the same
/// value gets the same placeholder in the prompt, every message and the answer. Thread-safe.
/// </summary>
internal sealed class Masker
{
    private readonly Dictionary<string, string> _placeholders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public string Mask(string text, List<Finding> findings)
    {
        if (findings.Count == 0)
        {
            return text;
        }

        findings.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var builder = new StringBuilder(text.Length);
        var at = 0;
        foreach (var finding in findings)
        {
            if (finding.Start < at)
            {
                continue;
            }

            builder.Append(text, at, finding.Start - at);
            builder.Append(PlaceholderFor(finding.Entity, text.Substring(finding.Start, finding.Length)));
            at = finding.End;
        }

        builder.Append(text, at, text.Length - at);
        return builder.ToString();
    }

    public string PlaceholderFor(string entity, string value)
    {
        lock (_placeholders)
        {
            var key = entity + "\0" + value;
            if (!_placeholders.TryGetValue(key, out var placeholder))
            {
                var next = _counters.GetValueOrDefault(entity) + 1;
                _counters[entity] = next;
                placeholder = $"<{entity}_{next}>";
                _placeholders[key] = placeholder;
            }

            return placeholder;
        }
    }
}
