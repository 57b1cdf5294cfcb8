namespace Tollgate.Emulator.Script;

/// <summary>The emulator's "tokenizer": one token per whitespace-separated word, so tests can predict counts by hand.</summary>
internal static class Words
{
    public static int Count(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var isSpace = char.IsWhiteSpace(c);
            if (!isSpace && !inWord)
            {
                count++;
            }

            inWord = !isSpace;
        }

        return count;
    }

    /// <summary>Splits text into one piece per word with the whitespace after it; the pieces concatenate back to the text exactly.</summary>
    public static List<string> Pieces(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i - 1]) && !char.IsWhiteSpace(text[i]))
            {
                pieces.Add(text[start..i]);
                start = i;
            }
        }

        if (start < text.Length)
        {
            pieces.Add(text[start..]);
        }

        return pieces;
    }

    /// <summary>The first <paramref name="count"/> words of the text.</summary>
    public static string Take(string text, int count) =>
        count <= 0 ? string.Empty : string.Concat(Pieces(text).Take(count)).TrimEnd();
}
