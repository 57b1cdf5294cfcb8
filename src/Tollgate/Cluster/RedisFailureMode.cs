namespace Tollgate.Cluster;

/// <summary>What the gateway does while Redis, which holds the cluster's counters, cannot be reached.</summary>
public enum RedisFailureMode
{
    /// <summary>Per-instance counters with every limit divided by the live instance count; keeps serving.</summary>
    Local,

    /// <summary>Refuse governed calls with 503 <c>counters_unavailable</c> until Redis answers again.</summary>
    FailClosed,
}
