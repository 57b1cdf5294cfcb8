using Tollgate.Configuration;

namespace Tollgate.Cluster;

/// <summary>Reads and validates the <c>cluster</c> section; errors name the JSON path like the rest of the loader.</summary>
internal static class ClusterConfigReader
{
    public static ClusterConfig Read(JsonObjectReader? reader, List<string> warnings)
    {
        if (reader is null)
        {
            return ClusterConfig.Default;
        }

        var mode = reader.String("redis_failure_mode") switch
        {
            null or "local" => RedisFailureMode.Local,
            "fail_closed" => RedisFailureMode.FailClosed,
            var other => throw new ConfigException(reader.PathOf("redis_failure_mode"), $"expected \"local\" or \"fail_closed\", found \"{other}\""),
        };
        var prefix = reader.String("redis_key_prefix") ?? ClusterConfig.Default.RedisKeyPrefix;
        if (prefix.Length is 0 or > 64 || prefix.Any(char.IsWhiteSpace))
        {
            throw new ConfigException(reader.PathOf("redis_key_prefix"), "must be 1 to 64 characters without spaces");
        }

        var config = new ClusterConfig
        {
            RedisFailureMode = mode,
            RedisTimeoutMs = reader.Int("redis_timeout_ms", 10, 10_000) ?? ClusterConfig.Default.RedisTimeoutMs,
            RedisKeyPrefix = prefix,
            HeartbeatSeconds = reader.Int("heartbeat_seconds", 1, 60) ?? ClusterConfig.Default.HeartbeatSeconds,
            ReconcileSeconds = reader.Int("reconcile_seconds", 1, 3600) ?? ClusterConfig.Default.ReconcileSeconds,
            ChangePollMs = reader.Int("change_poll_ms", 50, 10_000) ?? ClusterConfig.Default.ChangePollMs,
        };
        reader.Finish(System.Collections.Frozen.FrozenSet<string>.Empty, warnings);
        return config;
    }
}
