using System.Globalization;
using System.Text;

namespace Tollgate.Guardrails.Detection;

/// <summary>
/// Whole-word keyword matching on Unicode-normalised text: both sides go through NFKC and a case fold
/// (<see cref="string.ToLowerInvariant"/>), so "ＢＡＤ" and "Bad" match "bad", and "badge" does not.
/// </summary>
internal sealed class KeywordMatcher
{
    private readonly string[] _keywords;

    public KeywordMatcher(IEnumerable<string> keywords) =>
        _keywords = [.. keywords.Select(Fold).Where(static k => k.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// NFKC then lower case. The gateway runs with invariant globalization, where <see cref="string.Normalize(NormalizationForm)"/>
    /// leaves compatibility forms alone, so the fullwidth ASCII block (U+FF01..U+FF5E) and the ideographic space are folded here.
    /// </summary>
    public static string Fold(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC);
        if (normalized.AsSpan().IndexOfAnyInRange('\u3000', '\uFF5E') >= 0)
        {
            normalized = string.Create(normalized.Length, normalized, static (span, source) =>
            {
                for (var i = 0; i < source.Length; i++)
                {
                    var c = source[i];
                    span[i] = c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c == '\u3000' ? ' ' : c;
                }
            });
        }

        return normalized.ToLowerInvariant();
    }

    /// <summary>Findings on <paramref name="text"/> itself when normalisation kept its length, else one finding over it all.</summary>
    public void Find(string text, string entity, List<Finding> findings)
    {
        if (_keywords.Length == 0)
        {
            return;
        }

        var folded = Fold(text);
        var sameLength = folded.Length == text.Length;
        foreach (var keyword in _keywords)
        {
            var from = 0;
            while (from <= folded.Length - keyword.Length)
            {
                var at = folded.IndexOf(keyword, from, StringComparison.Ordinal);
                if (at < 0)
                {
                    break;
                }

                if (IsBoundary(folded, at - 1) && IsBoundary(folded, at + keyword.Length))
                {
                    findings.Add(sameLength ? new Finding(at, keyword.Length, entity) : new Finding(0, text.Length, entity));
                    if (!sameLength)
                    {
                        return;
                    }
                }

                from = at + 1;
            }
        }
    }

    private static bool IsBoundary(string text, int index) =>
        index < 0 || index >= text.Length || !(char.IsLetterOrDigit(text[index]) || text[index] == '_' ||
            CharUnicodeInfo.GetUnicodeCategory(text[index]) is UnicodeCategory.NonSpacingMark);
}
