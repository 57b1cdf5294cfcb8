using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tollgate.Storage;

/// <summary>
/// One prepared INSERT run for every row of a batch through SQLite's own bind calls. Microsoft.Data.Sqlite allocates a
/// binder object per parameter per row and boxes every number; for the usage and request-log writers, which insert a
/// row for every request the gateway serves, that was the largest single source of the gateway's allocations.
/// Values are bound by 1-based position; the caller owns the connection and transaction.
/// </summary>
internal sealed class SqliteBatchInsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteBatchInsert(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        Check(rc);
    }

    public void Text(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));

    public void Int64(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Int64(int index, long? value) =>
        Check(value is { } v ? raw.sqlite3_bind_int64(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    public void Double(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    public void Double(int index, double? value) =>
        Check(value is { } v ? raw.sqlite3_bind_double(_statement, index, v) : raw.sqlite3_bind_null(_statement, index));

    /// <summary>Inserts the row bound so far and makes the statement ready for the next one.</summary>
    public void Step()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }

        raw.sqlite3_clear_bindings(_statement);
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
        }
    }
}
