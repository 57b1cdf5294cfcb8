using System.Data.Common;

namespace Tollgate.Operations.Exports;

/// <summary>
/// The checkpoint: one row per (schedule, window start) in the operations store. A window is <c>done</c> only after its
/// data file and manifest are in place, so the newest <c>done</c> window's end is where the next run starts.
/// </summary>
internal sealed class ExportRunStore(OperationsStore store)
{
    private const string Columns = "schedule_id, window_start_ms, window_end_ms, status, started_ms, finished_ms, rows_exported, files, detail";

    public async Task<DateTimeOffset?> CheckpointAsync(string scheduleId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(window_end_ms) FROM export_runs WHERE schedule_id = @schedule AND status = 'done'";
        OperationsStore.Add(command, "@schedule", scheduleId);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task SaveAsync(ExportRun run, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO export_runs ({Columns}) VALUES (@schedule, @start, @end, @status, @started, @finished, @rows, @files, @detail)
            ON CONFLICT (schedule_id, window_start_ms) DO UPDATE SET window_end_ms = excluded.window_end_ms, status = excluded.status,
                started_ms = excluded.started_ms, finished_ms = excluded.finished_ms, rows_exported = excluded.rows_exported,
                files = excluded.files, detail = excluded.detail
            """;
        OperationsStore.Add(command, "@schedule", run.ScheduleId);
        OperationsStore.Add(command, "@start", run.WindowStart.ToUnixTimeMilliseconds());
        OperationsStore.Add(command, "@end", run.WindowEnd.ToUnixTimeMilliseconds());
        OperationsStore.Add(command, "@status", run.Status);
        OperationsStore.Add(command, "@started", run.Started.ToUnixTimeMilliseconds());
        OperationsStore.Add(command, "@finished", run.Finished?.ToUnixTimeMilliseconds());
        OperationsStore.Add(command, "@rows", run.Rows);
        OperationsStore.Add(command, "@files", run.Files);
        OperationsStore.Add(command, "@detail", run.Detail);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<ExportRun>> ListAsync(string? scheduleId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM export_runs" + (scheduleId is null ? "" : " WHERE schedule_id = @schedule")
            + " ORDER BY window_start_ms DESC, schedule_id LIMIT @limit";
        if (scheduleId is not null)
        {
            OperationsStore.Add(command, "@schedule", scheduleId);
        }

        OperationsStore.Add(command, "@limit", (long)limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var runs = new List<ExportRun>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(Read(reader));
        }

        return runs;
    }

    private static ExportRun Read(DbDataReader reader) => new(
        reader.GetString(0),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        reader.GetString(3),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        reader.GetInt64(6),
        reader.GetString(7),
        reader.GetString(8));
}
