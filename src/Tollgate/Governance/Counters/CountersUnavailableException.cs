namespace Tollgate.Governance.Counters;

/// <summary>The shared counters cannot answer (Redis down or slow) and the cluster is configured to fail closed.</summary>
internal sealed class CountersUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
