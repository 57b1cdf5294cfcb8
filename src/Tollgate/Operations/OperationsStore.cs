using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tollgate.Storage;

namespace Tollgate.Operations;

/// <summary>
/// Where alerting and exports keep their own records (alert history; export runs and checkpoints): <c>ops.db</c> in the
/// data directory, or the shared PostgreSQL database. Plain ADO.NET over either, as the statements are the same.
/// </summary>
internal sealed class OperationsStore
{
    public const string FileName = "ops.db";

    private readonly Func<CancellationToken, ValueTask<DbConnection>> _open;

    private OperationsStore(Func<CancellationToken, ValueTask<DbConnection>> open, bool postgres)
    {
        _open = open;
        IsPostgres = postgres;
    }

    public bool IsPostgres { get; }

    public static OperationsStore Sqlite(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; " + Ddl("INTEGER PRIMARY KEY", "INTEGER", "TEXT");
            command.ExecuteNonQuery();
        }

        return new OperationsStore(async cancellationToken =>
        {
            var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragma = connection.CreateCommand();
            // Two writers (alerts, exports) may meet; wait for the other rather than fail.
            pragma.CommandText = "PRAGMA busy_timeout = 5000";
            pragma.ExecuteNonQuery();
            return connection;
        }, postgres: false);
    }

    public static OperationsStore Postgres(NpgsqlDataSource dataSource)
    {
        PostgresSchema.Migrate(dataSource, Ddl("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BIGINT", "TEXT"));
        return new OperationsStore(async cancellationToken => await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false), postgres: true);
    }

    public ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => _open(cancellationToken);

    private static string Ddl(string identity, string integer, string text) => $"""
        CREATE TABLE IF NOT EXISTS alert_events (
            seq {identity},
            time_ms {integer} NOT NULL,
            rule_id {text} NOT NULL,
            rule_type {text} NOT NULL,
            instance {text} NOT NULL,
            kind {text} NOT NULL,
            channel_id {text} NOT NULL,
            ok {integer} NOT NULL,
            attempts {integer} NOT NULL,
            detail {text} NOT NULL,
            summary {text} NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_alert_events_time ON alert_events (time_ms);
        CREATE TABLE IF NOT EXISTS export_runs (
            schedule_id {text} NOT NULL,
            window_start_ms {integer} NOT NULL,
            window_end_ms {integer} NOT NULL,
            status {text} NOT NULL,
            started_ms {integer} NOT NULL,
            finished_ms {integer},
            rows_exported {integer} NOT NULL,
            files {text} NOT NULL,
            detail {text} NOT NULL,
            PRIMARY KEY (schedule_id, window_start_ms)
        );
        """;

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
