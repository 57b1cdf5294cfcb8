namespace Tollgate.Audit;

/// <summary>
/// One audited event: an admin API call (any method but GET/HEAD), a sign-in attempt, a config file reload or a vault
/// rotation. <see cref="Hash"/> chains it to the entry before (see <see cref="AuditChain"/>), so an edited, removed or
/// reordered row is found by <c>GET /api/audit/verify</c>.
/// </summary>
public sealed record AuditEntry
{
    public long Id { get; init; }

    public DateTimeOffset Time { get; init; }

    /// <summary><c>user</c>, <c>token</c>, <c>config_file</c>, <c>vault</c> or <c>anonymous</c>.</summary>
    public required string ActorKind { get; init; }

    /// <summary>The user name, the token's name, the config file's path or the vault's name.</summary>
    public required string Actor { get; init; }

    /// <summary>The client's address; empty for events the gateway started itself.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>What was done: <c>PUT /api/providers/{name}</c> for API calls, <c>config.reload</c>, <c>vault.rotate</c>.</summary>
    public required string Action { get; init; }

    /// <summary>What it was done to: the request path, the config file, the vault and paths.</summary>
    public required string Target { get; init; }

    /// <summary>The HTTP status of the call (200 for internal events that succeeded).</summary>
    public int Status { get; init; }

    public string Outcome => Status is >= 200 and < 400 ? "success" : "failure";

    /// <summary>The target as it was before, as JSON with secrets masked; null when there was nothing or no reader.</summary>
    public string? Before { get; init; }

    /// <summary>The target after the call, or the request body (secrets masked) where the target cannot be read back.</summary>
    public string? After { get; init; }

    public string PreviousHash { get; init; } = string.Empty;

    public string Hash { get; init; } = string.Empty;
}
