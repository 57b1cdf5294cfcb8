namespace Tollgate.Emulator;

/// <summary>One request as the emulator received it, recorded before any fault applied.</summary>
/// <param name="Sequence">1-based arrival number, unique per emulator.</param>
/// <param name="Provider">"openai", "azure", "anthropic", "databricks", "compat", or "unknown".</param>
/// <param name="PathAndQuery">Full path including the provider prefix, e.g. <c>/azure/openai/deployments/d1/chat/completions?api-version=2024-10-21</c>.</param>
/// <param name="Headers">Request headers, case-insensitive names; repeated headers joined with ",".</param>
/// <param name="Credential">The key the request carried (bearer token, api-key, x-api-key, or Basic client id), if any.</param>
public sealed record JournalEntry(
    long Sequence,
    string Provider,
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    string? Credential,
    DateTimeOffset Time);
