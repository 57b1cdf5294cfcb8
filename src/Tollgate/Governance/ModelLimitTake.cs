using Tollgate.Governance.Limits;

namespace Tollgate.Governance;

/// <summary>Tokens one call took from a model limit's token bucket, to correct once the real usage is known.</summary>
/// <param name="Bucket">The in-memory bucket; null when the take went to the cluster's shared counters.</param>
/// <param name="SharedKey">The shared counter's key (cluster mode), with its <paramref name="Limit"/> and window.</param>
/// <param name="Local">True when the shared take was answered by per-instance counters (Redis down).</param>
internal readonly record struct ModelLimitTake(
    TokenBucket? Bucket, bool Output, long Taken, string? SharedKey = null, long Limit = 0, long WindowMs = 0, bool Local = false);
