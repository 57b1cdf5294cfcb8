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

    public static string Fold(string text) => text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

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
