namespace Tollgate.Observability;

/// <summary>Masks secrets for display: enough to recognise a key, never enough to use it.</summary>
public static class SecretMask
{
    public static string Mask(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return string.Empty;
        }

        if (secret.StartsWith("env.", StringComparison.Ordinal) || secret.StartsWith("file.", StringComparison.Ordinal)
            || secret.StartsWith("vault.", StringComparison.Ordinal))
        {
            // A reference names where the secret lives, not the secret: showing it helps and leaks nothing.
            return secret;
        }

        return secret.Length < 12 ? "****" : $"{secret[..4]}…{secret[^4..]}";
    }
}
