namespace Tollgate.Providers.Translation;

/// <summary>Text, or an image given by URL (a <c>data:</c> URL carries the bytes inline).</summary>
internal sealed record ContentPart(string? Text, string? ImageUrl)
{
    public static ContentPart OfText(string text) => new(text, null);

    public static ContentPart OfImage(string url) => new(null, url);

    /// <summary>Splits a <c>data:image/png;base64,...</c> URL; false for other URLs.</summary>
    public bool TryGetInlineImage(out string mediaType, out string base64)
    {
        mediaType = base64 = string.Empty;
        if (ImageUrl is null || !ImageUrl.StartsWith("data:", StringComparison.Ordinal))
        {
            return false;
        }

        var comma = ImageUrl.IndexOf(',', StringComparison.Ordinal);
        var header = comma < 0 ? string.Empty : ImageUrl[5..comma];
        if (!header.EndsWith(";base64", StringComparison.Ordinal))
        {
            return false;
        }

        mediaType = header[..^";base64".Length];
        base64 = ImageUrl[(comma + 1)..];
        return true;
    }
}
