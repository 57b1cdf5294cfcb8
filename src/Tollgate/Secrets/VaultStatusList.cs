namespace Tollgate.Secrets;

/// <summary><c>GET /api/vaults</c>: every configured store and how its last refresh went.</summary>
internal sealed record VaultStatusList(IReadOnlyList<VaultStoreStatus> Vaults);
