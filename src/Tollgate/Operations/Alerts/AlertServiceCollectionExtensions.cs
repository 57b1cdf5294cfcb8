using Npgsql;
using Tollgate.Configuration;

namespace Tollgate.Operations.Alerts;

internal static class AlertServiceCollectionExtensions
{
    /// <summary>Alerting and the operations store it shares with exports (PostgreSQL with <c>TOLLGATE_POSTGRES</c>, else <c>ops.db</c>).</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services, GatewayOptions options)
    {
        if (options.PostgresConnectionString is { Length: > 0 })
        {
            services.AddSingleton(sp => OperationsStore.Postgres(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            services.AddSingleton(_ => OperationsStore.Sqlite(Path.Combine(options.DataDirectory, OperationsStore.FileName)));
        }

        services.AddSingleton<AlertHistory>();
        services.AddSingleton(sp =>
        {
            var monitor = sp.GetRequiredService<GatewayConfigMonitor>();
            return new AlertSender(sp.GetRequiredService<TimeProvider>(), () => monitor.Current.Alerts);
        });
        services.AddSingleton<IAlertSignal, BudgetUsageSignal>();
        services.AddSingleton<IAlertSignal, RequestLogSignal>();
        services.AddSingleton<IAlertSignal, GatewayStateSignal>();
        services.AddSingleton<AlertEngine>();
        services.AddHostedService<AlertEvaluator>();
        return services;
    }
}
