using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;
using Tollgate.Cluster.Redis;
using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Governance.Counters;
using Tollgate.Hosting;
using Tollgate.Storage;

namespace Tollgate.Cluster;

/// <summary>
/// Cluster mode, composed: with <c>TOLLGATE_POSTGRES</c> instances share state and see each other (membership, leader
/// lease, change polling, bootstrap lock); with <c>TOLLGATE_REDIS</c> as well, every counter is shared. Alone, only the
/// graceful shutdown and the <c>/api/cluster</c> view of this one instance apply.
/// </summary>
internal static class ClusterServiceCollectionExtensions
{
    public static IServiceCollection AddCluster(this IServiceCollection services, GatewayOptions options, IConfiguration configuration)
    {
        var address = configuration["TOLLGATE_ADVERTISE_ADDRESS"] ?? configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? TollgateApp.DefaultUrl;
        var redis = configuration["TOLLGATE_REDIS"];
        var sharedStore = !string.IsNullOrEmpty(options.PostgresConnectionString);
        var sharedCounters = !string.IsNullOrEmpty(redis);

        services.AddSingleton(new ClusterInstance(address));
        services.AddSingleton<ClusterMembership>();
        services.AddSingleton<ClusterMetrics>();
        services.AddSingleton<ShutdownDrain>();
        services.AddOptions<HostOptions>().Configure<GatewayConfigMonitor>((host, config) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(config.Current.Client.ShutdownGraceSeconds + 10));

        if (sharedStore)
        {
            services.AddSingleton(sp =>
            {
                // The change triggers go on tables the stores create.
                sp.GetRequiredService<IGatewayStore>();
                sp.GetRequiredService<IGovernanceStore>();
                return new PostgresClusterStore(sp.GetRequiredService<NpgsqlDataSource>());
            });
            services.AddSingleton<PostgresLeadership>();
            services.AddSingleton<IClusterLeadership>(sp => sp.GetRequiredService<PostgresLeadership>());
            services.AddHostedService<ChangeWatcher>();
        }

        if (sharedCounters)
        {
            services.AddSingleton<IConnectionMultiplexer>(sp => Connect(redis!, sp.GetRequiredService<GatewayConfigMonitor>().Current.Cluster,
                sp.GetRequiredService<ClusterInstance>()));
            services.AddSingleton(sp =>
            {
                var config = sp.GetRequiredService<GatewayConfigMonitor>();
                return new RedisBatchCounters(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<ClusterInstance>(),
                    () => config.Current.Cluster.RedisKeyPrefix, () => TimeSpan.FromSeconds(config.Current.Cluster.HeartbeatSeconds * 3));
            });
            services.AddSingleton(sp =>
            {
                var membership = sp.GetRequiredService<ClusterMembership>();
                return new LocalBatchCounters(() => membership.LiveCount);
            });
            services.AddSingleton<ClusterCounters>();
            services.AddSingleton<IBatchCounters>(sp => sp.GetRequiredService<ClusterCounters>());
            services.AddSingleton<SharedGovernance>();
            services.AddHostedService<BudgetReconciler>();
        }

        if (sharedStore || sharedCounters)
        {
            services.AddSingleton<ClusterHeartbeat>();
            services.AddHostedService(sp => sp.GetRequiredService<ClusterHeartbeat>());
        }

        services.AddSingleton(sp => new ClusterStatus(sp.GetRequiredService<ClusterMembership>(), sp.GetRequiredService<IClusterLeadership>(),
            sp.GetRequiredService<ShutdownDrain>(), sharedStore, sp.GetService<ClusterCounters>()));
        return services;
    }

    /// <summary>Counts requests in flight for the graceful shutdown and maps <c>/api/cluster</c>.</summary>
    public static WebApplication UseCluster(this WebApplication app)
    {
        var drain = app.Services.GetRequiredService<ShutdownDrain>();
        app.Use(async (context, next) =>
        {
            drain.Enter();
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                drain.Exit();
            }
        });
        app.MapClusterApi();
        return app;
    }

    /// <summary>
    /// Serialises the start-up bootstrap (first admin, generated admin token) across instances sharing PostgreSQL; a no-op
    /// alone. Dispose after bootstrapping.
    /// </summary>
    public static IDisposable BootstrapLock(IServiceProvider services) =>
        services.GetService<PostgresClusterStore>()?.AcquireBootstrapLock() ?? NoLock.Instance;

    private static ConnectionMultiplexer Connect(string connectionString, ClusterConfig cluster, ClusterInstance instance)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        // Never throw at start or wait on a dead Redis: connect in the background, reconnect by itself, fail commands
        // at once while disconnected, and give up on a slow one after redis_timeout_ms.
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AsyncTimeout = cluster.RedisTimeoutMs;
        options.SyncTimeout = cluster.RedisTimeoutMs;
        options.ConnectTimeout = Math.Max(1_000, cluster.RedisTimeoutMs);
        options.ConnectRetry = 1;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Clamp(cluster.RedisTimeoutMs, 100, 1_000));
        options.ClientName ??= "tollgate-" + instance.Id;
        return ConnectionMultiplexer.Connect(options);
    }

    private sealed class NoLock : IDisposable
    {
        public static readonly NoLock Instance = new();

        public void Dispose()
        {
        }
    }
}
