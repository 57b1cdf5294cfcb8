namespace Tollgate.Secrets;

/// <summary>
/// A store's health as <c>/ready</c>, <c>/api/vaults</c>, the metrics and the UI show it. Never a value: names, times and
/// the store's error text only.
/// </summary>
public sealed record VaultStoreStatus(
    string Name,
    string Type,
    string Status,
    int Secrets,
    int FailingSecrets,
    int RefreshSeconds,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? LastFailure,
    string? LastError)
{
    public const string Ok = "ok";

    /// <summary>The last refresh failed: the gateway serves the last good values.</summary>
    public const string Failing = "failing";
}
