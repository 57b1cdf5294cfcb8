using Microsoft.Data.Sqlite;
using Npgsql;
using Tollgate.Configuration;
using Tollgate.Storage;

namespace Tollgate.Audit;

internal static class AuditServiceCollectionExtensions
{
    /// <summary>The audit log: its table on the gateway's own store (SQLite or PostgreSQL), the chain, the API's middleware and retention.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton<IAuditStore>(sp => options.PostgresConnectionString is { Length: > 0 }
            ? new AuditStore(() => sp.GetRequiredService<NpgsqlDataSource>().OpenConnection(), AuditDialect.Postgres)
            : new AuditStore(() =>
            {
                var connection = new SqliteConnection(sp.GetRequiredService<SqliteGatewayStore>().ConnectionString);
                connection.Open();
                return connection;
            }, AuditDialect.Sqlite));
        services.AddSingleton(sp => new AuditChain(sp.GetRequiredService<SecretProtector>().DeriveKey("audit-chain")));
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditSnapshots>();
        services.AddHostedService<AuditFeeds>();
        services.AddSingleton<AuditRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetention>());
        return services;
    }
}
