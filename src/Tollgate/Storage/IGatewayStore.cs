namespace Tollgate.Storage;

/// <summary>
/// The config store: providers added through the admin API (their whole JSON encrypted, since it carries keys) and
/// settings. SQLite under the data directory by default, PostgreSQL when instances share one database (DESIGN.md).
/// </summary>
public interface IGatewayStore
{
    /// <summary>Stored providers as (name, decrypted JSON), ordered by name (ordinal).</summary>
    IReadOnlyList<(string Name, string Json)> LoadProviders();

    /// <summary>Inserts or replaces a provider; the JSON is encrypted before it is written.</summary>
    void SaveProvider(string name, string json);

    /// <summary>False when no provider had that name.</summary>
    bool DeleteProvider(string name);

    string? GetSetting(string key);

    void SetSetting(string key, string value);

    /// <summary>Keeps a Responses API conversation (chat messages JSON) for <c>previous_response_id</c> until it expires.</summary>
    void SaveResponse(string id, string conversationJson, DateTimeOffset expiresAt);

    /// <summary>The stored conversation, or null when unknown or expired.</summary>
    string? LoadResponse(string id, DateTimeOffset now);
}
