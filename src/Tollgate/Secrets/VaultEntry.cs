namespace Tollgate.Secrets;

/// <summary>One cached secret of a store: the last good document and how its last read went.</summary>
internal sealed class VaultEntry(SecretDocument document, DateTimeOffset fetchedAt)
{
    public SecretDocument Document { get; set; } = document;

    public DateTimeOffset FetchedAt { get; set; } = fetchedAt;

    /// <summary>Why the last refresh failed (the document is then the last good one), or null.</summary>
    public string? Error { get; set; }
}
