using Npgsql;
using Tollgate.Configuration;
using Tollgate.Governance.Limits;
using Tollgate.Governance.Pricing;
using Tollgate.Governance.Storage;
using Tollgate.Governance.Usage;

namespace Tollgate.Governance;

internal static class GovernanceServiceCollectionExtensions
{
    /// <summary>
    /// Budgets, rate limits and virtual keys: their store (in the config store's database: PostgreSQL when
    /// <c>TOLLGATE_POSTGRES</c> is set, SQLite otherwise), the live registry and counters (in memory; cluster mode
    /// replaces the counters), admission and settlement, and the usage writer.
    /// </summary>
    public static IServiceCollection AddGovernance(this IServiceCollection services, GatewayOptions options)
    {
        if (options.PostgresConnectionString is { Length: > 0 })
        {
            services.AddSingleton<IGovernanceStore>(sp => new PostgresGovernanceStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        else
        {
            services.AddSingleton<IGovernanceStore, SqliteGovernanceStore>();
        }

        services.AddSingleton<GovernanceRegistry>();
        services.AddSingleton<IGovernanceCounters, InMemoryGovernanceCounters>();
        services.AddSingleton<TokenEstimator>();
        services.AddSingleton<UsageWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageWriter>());
        services.AddSingleton<GovernanceService>();
        services.AddSingleton<GovernanceRebuilder>();
        services.AddSingleton<BudgetSpend>();
        services.AddSingleton(sp => new GovernanceReader(sp.GetRequiredService<ISecretResolver>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IGuardrailsCheck>()));
        return services;
    }
}
