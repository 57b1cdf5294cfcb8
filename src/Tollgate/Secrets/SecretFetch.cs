namespace Tollgate.Secrets;

/// <summary>
/// What one read from a store gave: a document, or an error safe to show (status and the store's own message, never a
/// credential or a value). Expected failures are values, so an outage is not an exception storm in the refresher.
/// </summary>
public readonly record struct SecretFetch(SecretDocument? Document, string? Error)
{
    public static SecretFetch Ok(SecretDocument document) => new(document, null);

    public static SecretFetch Fail(string error) => new(null, error);
}
