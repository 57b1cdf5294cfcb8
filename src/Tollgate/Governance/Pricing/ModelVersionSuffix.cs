namespace Tollgate.Governance.Pricing;

/// <summary>
/// Recognises the snapshot suffix providers append to a model's alias, so a dated snapshot is priced like its alias
/// when the catalog only lists the alias: <c>gpt-4o-mini-2024-07-18</c>, <c>claude-sonnet-4-5-20250929</c>,
/// <c>claude-sonnet-4-5@20250929</c> (Vertex), <c>gpt-4-0613</c>, <c>claude-3-5-haiku-latest</c>.
/// </summary>
/// <remarks>
/// Only suffixes that parse as a real date (or the word <c>latest</c>) are removed, so a size or version number such
/// as <c>-2048</c> or <c>-3-12b</c> is left alone. Works on spans so the lookup that calls it allocates nothing.
/// </remarks>
internal static class ModelVersionSuffix
{
    /// <summary>The model without its snapshot suffix, or <paramref name="model"/> itself when it has none.</summary>
    public static ReadOnlySpan<char> Strip(ReadOnlySpan<char> model)
    {
        // -YYYY-MM-DD (OpenAI snapshots)
        if (model.Length > 11
            && model[^11] == '-' && model[^6] == '-' && model[^3] == '-'
            && TryDigits(model.Slice(model.Length - 10, 4), out var year)
            && TryDigits(model.Slice(model.Length - 5, 2), out var month)
            && TryDigits(model[^2..], out var day)
            && IsDate(year, month, day))
        {
            return model[..^11];
        }

        // -YYYYMMDD (Anthropic) or @YYYYMMDD (Anthropic models on Vertex AI)
        if (model.Length > 9
            && (model[^9] == '-' || model[^9] == '@')
            && TryDigits(model.Slice(model.Length - 8, 4), out year)
            && TryDigits(model.Slice(model.Length - 4, 2), out month)
            && TryDigits(model[^2..], out day)
            && IsDate(year, month, day))
        {
            return model[..^9];
        }

        // -MMDD (older OpenAI snapshots such as gpt-3.5-turbo-0125)
        if (model.Length > 5
            && model[^5] == '-'
            && TryDigits(model.Slice(model.Length - 4, 2), out month)
            && TryDigits(model[^2..], out day)
            && IsDate(2000, month, day))
        {
            return model[..^5];
        }

        if (model.Length > 7 && model.EndsWith("-latest", StringComparison.OrdinalIgnoreCase))
        {
            return model[..^7];
        }

        return model;
    }

    private static bool TryDigits(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    // Providers started dating snapshots in the 2020s; a wider year range would start eating version numbers.
    private static bool IsDate(int year, int month, int day) =>
        year is >= 2000 and <= 2099 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
}
