using Npgsql;
using Tollgate.Configuration;

namespace Tollgate.Storage;

/// <summary>Picks the backend: PostgreSQL when <c>TOLLGATE_POSTGRES</c> is set, otherwise SQLite under the data directory.</summary>
internal static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayStorage(this IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton(_ => SecretProtector.Create(options.EncryptionKey, options.DataDirectory));
        services.AddSingleton<IStoredProviders>(sp => sp.GetRequiredService<IGatewayStore>());
        if (options.PostgresConnectionString is not { Length: > 0 } connectionString)
        {
            services.AddSingleton(sp => Checked(new SqliteGatewayStore(options.DataDirectory, sp.GetRequiredService<SecretProtector>()), sp));
            services.AddSingleton<IGatewayStore>(sp => sp.GetRequiredService<SqliteGatewayStore>());
            return services;
        }

        // Each instance would otherwise generate its own key into its own data directory, and none could read the
        // provider keys another instance stored; refuse to start rather than fail later on the first such read.
        if (string.IsNullOrEmpty(options.EncryptionKey))
        {
            throw new ConfigException("TOLLGATE_ENCRYPTION_KEY",
                "is required with TOLLGATE_POSTGRES: every instance sharing the database must decrypt the secrets the others stored, so set the same key on each.");
        }

        var builder = CreateConnectionStringBuilder(connectionString);
        services.AddSingleton(sp =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>()).Build();
            // Host, port and database only: the connection string carries the password.
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageServiceCollectionExtensions).Namespace!)
                .LogInformation("Storage: PostgreSQL at {Host}:{Port}, database {Database}", builder.Host, builder.Port, builder.Database);
            return dataSource;
        });
        services.AddSingleton<IGatewayStore>(sp => Checked(new PostgresGatewayStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<SecretProtector>()), sp));
        return services;
    }

    private static TStore Checked<TStore>(TStore store, IServiceProvider services)
        where TStore : IGatewayStore
    {
        EncryptionKeyCheck.Verify(store, services.GetRequiredService<SecretProtector>());
        return store;
    }

    private static NpgsqlConnectionStringBuilder CreateConnectionStringBuilder(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            // Npgsql's message names the bad keyword, never the values, so it is safe to show.
            throw new ConfigException("TOLLGATE_POSTGRES", $"is not a valid Npgsql connection string: {ex.Message}");
        }

        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            // Shows which sessions are the gateway's in pg_stat_activity.
            builder.ApplicationName = "tollgate";
        }

        return builder;
    }
}
