using Npgsql;
using Tollgate.Configuration;
using Tollgate.Hosting;
using Tollgate.Observability.RequestLogs.Rollup;

namespace Tollgate.Observability.RequestLogs;

internal static class RequestLogServiceCollectionExtensions
{
    /// <summary>
    /// The request log: its store (PostgreSQL when <c>TOLLGATE_POSTGRES</c> is set, else <c>logs.db</c> in the data
    /// directory), the writer the pipeline enqueues to, and the retention sweep.
    /// </summary>
    public static IServiceCollection AddRequestLogs(this IServiceCollection services, GatewayOptions options)
    {
        if (options.PostgresConnectionString is { Length: > 0 })
        {
            // The data source AddGatewayStorage registered: one pool for config, usage and logs.
            services.AddSingleton<IRequestLogStore>(sp => new PostgresRequestLogStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            services.AddSingleton<IRequestLogStore>(_ => new SqliteRequestLogStore(Path.Combine(options.DataDirectory, SqliteRequestLogStore.FileName)));
        }

        services.AddSingleton(sp =>
        {
            var monitor = sp.GetRequiredService<GatewayConfigMonitor>();
            // The queue's size is read once: a channel cannot be resized, so a reloaded capacity applies at the next start.
            return new RequestLogWriter(sp.GetRequiredService<IRequestLogStore>(), () => monitor.Current.Client, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RequestLogWriter>>(), monitor.Current.Client.LogQueueCapacity);
        });
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogWriter>());
        services.AddSingleton<IRequestObserver>(sp => sp.GetRequiredService<RequestLogWriter>());
        services.AddSingleton(sp =>
        {
            var monitor = sp.GetRequiredService<GatewayConfigMonitor>();
            return new RequestLogRetention(sp.GetRequiredService<IRequestLogStore>(), () => monitor.Current.Client, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RequestLogRetention>>(), sp.GetRequiredService<IClusterLeadership>());
        });
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogRetention>());
        services.AddHostedService<RequestLogRollupBackfill>();
        return services;
    }
}
