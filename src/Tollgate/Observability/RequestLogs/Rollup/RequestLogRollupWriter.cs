using System.Data.Common;
using System.Text;

namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>
/// Adds a <see cref="RequestLogRollup"/> to the rollup tables inside the caller's transaction (the batch's own, or a
/// backfill chunk's). Plain ADO.NET, so SQLite and PostgreSQL share it; a batch touches one or two minutes and a few
/// dozen hourly groups, so a handful of statements per batch, not per row.
/// </summary>
internal static class RequestLogRollupWriter
{
    // Rows per multi-row statement: 200 hourly rows bind 2,400 parameters, far below both engines' limits.
    private const int RowsPerStatement = 200;

    // Stats hour keys per statement: five key values each, and the select's OR of 100 keys stays a short plan.
    private const int StatsHoursPerStatement = 100;

    /// <param name="lockRows">PostgreSQL: <c>FOR UPDATE</c>, so two instances merging the same minute take turns.</param>
    public static async Task WriteAsync(DbConnection connection, DbTransaction transaction, RequestLogRollup rollup, bool lockRows, CancellationToken cancellationToken)
    {
        if (rollup.IsEmpty)
        {
            return;
        }

        var minutes = rollup.Minutes.Keys.ToList();
        for (var start = 0; start < minutes.Count; start += RowsPerStatement)
        {
            var chunk = minutes.GetRange(start, Math.Min(RowsPerStatement, minutes.Count - start));
            await WriteMinutesAsync(connection, transaction, rollup, chunk, lockRows, cancellationToken).ConfigureAwait(false);
        }

        var hours = rollup.SortedHours();
        for (var start = 0; start < hours.Count; start += RowsPerStatement)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO request_log_hours (dim, hour_ms, k1, k2, ").Append(RequestLogRollupSql.HourColumns).Append(") VALUES ");
            var end = Math.Min(hours.Count, start + RowsPerStatement);
            for (var i = start; i < end; i++)
            {
                var (key, sums) = (hours[i].Key, hours[i].Value);
                sql.Append(i == start ? "(" : ", (");
                Value(command, sql, "d", i, (long)key.Dimension, first: true);
                Value(command, sql, "h", i, key.HourMs);
                Value(command, sql, "a", i, key.K1);
                Value(command, sql, "b", i, key.K2);
                Value(command, sql, "r", i, sums.Requests);
                Value(command, sql, "t", i, sums.Attempted);
                Value(command, sql, "e", i, sums.Errors);
                Value(command, sql, "p", i, sums.PromptTokens);
                Value(command, sql, "c", i, sums.CompletionTokens);
                Value(command, sql, "x", i, sums.CachedTokens);
                Value(command, sql, "n", i, sums.CostNano);
                Value(command, sql, "s", i, sums.Estimated);
                sql.Append(')');
            }

            command.CommandText = sql.Append(RequestLogRollupSql.HourUpsertTail).ToString();
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var statsHours = rollup.SortedStatsHours();
        for (var start = 0; start < statsHours.Count; start += StatsHoursPerStatement)
        {
            var chunk = statsHours.GetRange(start, Math.Min(StatsHoursPerStatement, statsHours.Count - start));
            await WriteStatsHoursAsync(connection, transaction, rollup, chunk, lockRows, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The stats hours carry a histogram, which SQL cannot add: like the minutes, make the rows exist, read (and on
    /// PostgreSQL lock) them, merge in memory, write them back.
    /// </summary>
    private static async Task WriteStatsHoursAsync(DbConnection connection, DbTransaction transaction, RequestLogRollup rollup, List<StatsHourKey> keys,
        bool lockRows, CancellationToken cancellationToken)
    {
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO request_log_stats_hours (").Append(RequestLogRollupSql.StatsHourKeyColumns).Append(") VALUES ");
            for (var i = 0; i < keys.Count; i++)
            {
                sql.Append(i == 0 ? "(" : ", (");
                KeyValues(insert, sql, keys[i], i);
                sql.Append(')');
            }

            insert.CommandText = sql.Append(" ON CONFLICT (").Append(RequestLogRollupSql.StatsHourKeyColumns).Append(") DO NOTHING").ToString();
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            // ORs of whole primary keys: both planners read each by the key (SQLite "MULTI-INDEX OR", PostgreSQL BitmapOr);
            // a row-value IN (VALUES ...) made SQLite scan the table.
            var sql = new StringBuilder(RequestLogRollupSql.SelectStatsHours).Append(" WHERE ");
            for (var i = 0; i < keys.Count; i++)
            {
                var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "(" : " OR (").Append("dim = @sd").Append(n).Append(" AND k1 = @sk").Append(n).Append(" AND hour_ms = @sh").Append(n)
                    .Append(" AND provider = @sp").Append(n).Append(" AND model = @sm").Append(n).Append(')');
                AddKey(select, "s", keys[i], n);
            }

            sql.Append(" ORDER BY ").Append(RequestLogRollupSql.StatsHourKeyColumns);
            if (lockRows)
            {
                sql.Append(" FOR UPDATE");
            }

            select.CommandText = sql.ToString();
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = new StatsHourKey((StatsDimension)reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetString(4));
                rollup.StatsHours[key].Add(reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9),
                    reader.GetDouble(10), reader.GetDouble(11), reader.GetDouble(12), reader.GetInt64(13),
                    reader.IsDBNull(14) ? default : (byte[])reader.GetValue(14));
            }
        }

        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var key in keys)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = RequestLogRollupSql.UpdateStatsHour;
                BindStatsHour(rollup.StatsHours[key], key, command.CreateParameter, command.Parameters);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var key in keys)
        {
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = RequestLogRollupSql.UpdateStatsHour;
            BindStatsHour(rollup.StatsHours[key], key, update.CreateParameter, update.Parameters);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void KeyValues(DbCommand command, StringBuilder sql, StatsHourKey key, int row)
    {
        Value(command, sql, "d", row, (long)key.Dimension, first: true);
        Value(command, sql, "k", row, key.K1);
        Value(command, sql, "h", row, key.HourMs);
        Value(command, sql, "p", row, key.Provider);
        Value(command, sql, "m", row, key.Model);
    }

    private static void AddKey(DbCommand command, string prefix, StatsHourKey key, string n)
    {
        RequestLogSql.Add(command, "@" + prefix + "d" + n, (long)key.Dimension);
        RequestLogSql.Add(command, "@" + prefix + "k" + n, key.K1);
        RequestLogSql.Add(command, "@" + prefix + "h" + n, key.HourMs);
        RequestLogSql.Add(command, "@" + prefix + "p" + n, key.Provider);
        RequestLogSql.Add(command, "@" + prefix + "m" + n, key.Model);
    }

    private static void BindStatsHour(MinuteRollup sums, StatsHourKey key, Func<DbParameter> create, DbParameterCollection parameters)
    {
        BindMinute(sums, key.HourMs, create, parameters, "@hour");
        void Add(string name, object value)
        {
            var parameter = create();
            parameter.ParameterName = name;
            parameter.Value = value;
            parameters.Add(parameter);
        }

        Add("@dim", (long)key.Dimension);
        Add("@k1", key.K1);
        Add("@provider", key.Provider);
        Add("@model", key.Model);
    }

    private static async Task WriteMinutesAsync(DbConnection connection, DbTransaction transaction, RequestLogRollup rollup, List<long> minutes,
        bool lockRows, CancellationToken cancellationToken)
    {
        // Make every row exist first: then the SELECT below can lock it, and a concurrent writer waits for our commit
        // instead of both inserting the same minute.
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO request_log_minutes (minute_ms) VALUES ");
            for (var i = 0; i < minutes.Count; i++)
            {
                sql.Append(i == 0 ? "(" : ", (");
                Value(insert, sql, "m", i, minutes[i], first: true);
                sql.Append(')');
            }

            insert.CommandText = sql.Append(" ON CONFLICT (minute_ms) DO NOTHING").ToString();
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            var sql = new StringBuilder(RequestLogRollupSql.SelectMinutes).Append(" WHERE minute_ms IN (");
            for (var i = 0; i < minutes.Count; i++)
            {
                Value(select, sql, "m", i, minutes[i], first: i == 0);
            }

            sql.Append(") ORDER BY minute_ms");
            if (lockRows)
            {
                sql.Append(" FOR UPDATE");
            }

            select.CommandText = sql.ToString();
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var stored = rollup.Minutes[reader.GetInt64(0)];
                stored.Add(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5),
                    reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8), reader.GetInt64(9),
                    reader.IsDBNull(10) ? default : (byte[])reader.GetValue(10));
            }
        }

        // One round trip for all the updates where the driver batches (Npgsql); SQLite runs them in-process anyway.
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var minute in minutes)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = RequestLogRollupSql.UpdateMinute;
                BindMinute(rollup.Minutes[minute], minute, command.CreateParameter, command.Parameters);
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var minute in minutes)
        {
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = RequestLogRollupSql.UpdateMinute;
            BindMinute(rollup.Minutes[minute], minute, update.CreateParameter, update.Parameters);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void BindMinute(MinuteRollup sums, long minute, Func<DbParameter> create, DbParameterCollection parameters, string minuteName = "@minute")
    {
        void Add(string name, object value)
        {
            var parameter = create();
            parameter.ParameterName = name;
            parameter.Value = value;
            parameters.Add(parameter);
        }

        Add("@requests", sums.Requests);
        Add("@errors", sums.Errors);
        Add("@prompt", sums.PromptTokens);
        Add("@completion", sums.CompletionTokens);
        Add("@cost", sums.CostNano);
        Add("@latency_sum", sums.LatencySum);
        Add("@latency_max", sums.LatencyMax);
        Add("@ttft_sum", sums.TtftSum);
        Add("@ttft_count", sums.TtftCount);
        Add("@histogram", sums.Histogram.ToBytes());
        Add(minuteName, minute);
    }

    private static void Value(DbCommand command, StringBuilder sql, string prefix, int row, object value, bool first = false)
    {
        var name = "@" + prefix + row.ToString(System.Globalization.CultureInfo.InvariantCulture);
        sql.Append(first ? "" : ", ").Append(name);
        RequestLogSql.Add(command, name, value);
    }
}
