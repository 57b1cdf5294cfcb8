namespace Tollgate.Configuration;

/// <summary>Providers added through the admin API, which the config monitor merges into each snapshot; the config store implements it.</summary>
public interface IStoredProviders
{
    /// <summary>Stored providers as (name, decrypted JSON), ordered by name (ordinal).</summary>
    IReadOnlyList<(string Name, string Json)> LoadProviders();
}
