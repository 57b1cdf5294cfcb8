namespace Tollgate.Cluster;

/// <summary>Cluster-mode log messages (event ids 1400-1449).</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(1400, LogLevel.Warning, "Redis counters unreachable ({Reason}); redis_failure_mode {Mode}: {Consequence}")]
    public static partial void RedisDown(ILogger logger, string reason, string mode, string consequence);

    [LoggerMessage(1401, LogLevel.Information, "Redis counters reachable again; shared limits are back in force")]
    public static partial void RedisUp(ILogger logger);

    [LoggerMessage(1402, LogLevel.Information, "Cluster instance {Instance} at {Address} joined (Redis counters: {Redis})")]
    public static partial void Joined(ILogger logger, string instance, string address, bool redis);

    [LoggerMessage(1403, LogLevel.Information, "This instance ({Instance}) is now the cluster leader")]
    public static partial void BecameLeader(ILogger logger, string instance);

    [LoggerMessage(1404, LogLevel.Information, "This instance ({Instance}) is no longer the cluster leader")]
    public static partial void LostLeadership(ILogger logger, string instance);

    [LoggerMessage(1405, LogLevel.Warning, "Budget {Budget}: Redis held {Redis} USD for the current window, the store {Store} USD; raised to the store's")]
    public static partial void BudgetRaised(ILogger logger, string budget, decimal redis, decimal store);

    [LoggerMessage(1406, LogLevel.Warning, "Cluster job {Job} failed")]
    public static partial void JobFailed(ILogger logger, string job, Exception exception);

    [LoggerMessage(1407, LogLevel.Warning, "Dropped {Count} settlements waiting for Redis (queue full); the reconcile restores spend from the store")]
    public static partial void SettlesDropped(ILogger logger, int count);

    [LoggerMessage(1408, LogLevel.Information, "Shutdown: not ready any more; waiting up to {Seconds} s for {Requests} requests in flight")]
    public static partial void Draining(ILogger logger, int seconds, int requests);

    [LoggerMessage(1409, LogLevel.Information, "Shutdown: drained ({Requests} requests still open)")]
    public static partial void Drained(ILogger logger, int requests);
}
