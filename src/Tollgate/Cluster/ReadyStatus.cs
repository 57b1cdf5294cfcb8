using Tollgate.Secrets;

namespace Tollgate.Cluster;

/// <summary>The body of <c>GET /ready</c>; the cluster and vault parts appear only when there is something to say.</summary>
internal sealed record ReadyStatus(string Status, int Providers, ClusterReadiness? Cluster = null, IReadOnlyList<VaultStoreStatus>? Vaults = null);
