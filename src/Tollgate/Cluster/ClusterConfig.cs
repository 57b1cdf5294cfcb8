namespace Tollgate.Cluster;

/// <summary>The <c>cluster</c> section of the config file (docs/configuration.md). Applies only with several instances.</summary>
public sealed record ClusterConfig
{
    public static readonly ClusterConfig Default = new();

    /// <summary><c>redis_failure_mode</c>: <c>local</c> (default) or <c>fail_closed</c>.</summary>
    public RedisFailureMode RedisFailureMode { get; init; } = RedisFailureMode.Local;

    /// <summary><c>redis_timeout_ms</c>: longest a request waits on Redis before the failure mode applies.</summary>
    public int RedisTimeoutMs { get; init; } = 250;

    /// <summary><c>redis_key_prefix</c>: namespace of every key Tollgate writes, so clusters can share one Redis.</summary>
    public string RedisKeyPrefix { get; init; } = "tollgate:";

    /// <summary><c>heartbeat_seconds</c>: how often an instance reports itself alive (membership, liveness of its counters).</summary>
    public int HeartbeatSeconds { get; init; } = 2;

    /// <summary><c>reconcile_seconds</c>: how often the leader compares budget spend in Redis with the durable store.</summary>
    public int ReconcileSeconds { get; init; } = 30;

    /// <summary><c>change_poll_ms</c>: how often an instance checks the store for entities changed through another instance.</summary>
    public int ChangePollMs { get; init; } = 250;
}
