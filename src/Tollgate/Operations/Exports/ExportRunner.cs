using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Operations.Exports;

/// <summary>
/// Exports a schedule's due windows, oldest first, each exactly once.
/// <code>
/// checkpoint (newest done window's end) ─► window [start, next cron occurrence) closed + delay?
///    ─► run row "running" ─► data file (deterministic key) ─► manifest ─► run row "done" ─► next window
/// </code>
/// A crash anywhere before "done" leaves the checkpoint where it was: the next run exports that window again under the
/// same keys, replacing the partial result, so there is no gap and no second copy. A failure stops the run at that
/// window (later windows wait), which keeps the exported windows contiguous.
/// </summary>
internal sealed class ExportRunner(GatewayConfigMonitor config, IRequestLogStore store, ExportRunStore runs, RequestLogWriter writer, TimeProvider time,
    ILogger<ExportRunner> logger)
{
    /// <summary>A first run, or one after a long outage, catches up at most this many windows (the rest next time).</summary>
    public const int MaxWindowsPerRun = 500;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>Makes the target for a destination (tests wrap it to fail mid-run).</summary>
    internal Func<ExportDestinationConfig, IExportTarget> TargetFactory { get; set; } = Create;

    public ExportsConfig Config => config.Current.Exports;

    /// <summary>Exports every due window of schedule <paramref name="scheduleId"/>; null when there is no such schedule.</summary>
    public async Task<IReadOnlyList<ExportRun>?> RunAsync(string scheduleId, CancellationToken cancellationToken)
    {
        var exports = Config;
        var schedule = exports.Schedules.FirstOrDefault(s => s.Id == scheduleId);
        if (schedule is null)
        {
            return null;
        }

        var destination = exports.Destinations.First(d => d.Id == schedule.Destination);
        var gate = _locks.GetOrAdd(scheduleId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            var start = await runs.CheckpointAsync(scheduleId, cancellationToken).ConfigureAwait(false)
                ?? schedule.Start
                ?? Next(schedule, now.AddDays(-1)) ?? now;
            var done = new List<ExportRun>();
            using var target = TargetFactory(destination);
            for (var i = 0; i < MaxWindowsPerRun; i++)
            {
                if (Next(schedule, start) is not { } end || end + schedule.Delay > now)
                {
                    break;
                }

                if (i == 0)
                {
                    // Entries queued before the window closed must be in the store before it is read.
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                var run = await ExportWindowAsync(schedule, target, start, end, cancellationToken).ConfigureAwait(false);
                done.Add(run);
                if (run.Status != "done")
                {
                    break;
                }

                start = end;
            }

            return done;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ExportRun> ExportWindowAsync(ExportScheduleConfig schedule, IExportTarget target, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var running = new ExportRun(schedule.Id, start, end, "running", started, null, 0, "", "");
        await runs.SaveAsync(running, cancellationToken).ConfigureAwait(false);
        var local = Path.Combine(Path.GetTempPath(), $"tollgate-export-{Guid.NewGuid():N}");
        try
        {
            // Partitioned by the window's UTC date; the names carry the window, so a re-export replaces, never adds.
            var stem = $"{schedule.Id}/date={start.UtcDateTime:yyyy-MM-dd}/{schedule.Id}-{Stamp(start)}-{Stamp(end)}";
            var dataKey = $"{stem}.{ExportFileWriter.Extension(schedule)}";
            var entries = ((RelationalRequestLogStore)store).ReadWindowAsync(start, end, schedule.IncludeContent, cancellationToken);
            var rows = await ExportFileWriter.WriteAsync(entries, local, schedule, cancellationToken).ConfigureAwait(false);
            var bytes = new FileInfo(local).Length;
            string sha256;
            await using (var file = File.OpenRead(local))
            {
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
            }

            await target.PutAsync(dataKey, local, ExportFileWriter.ContentType(schedule), cancellationToken).ConfigureAwait(false);
            await File.WriteAllBytesAsync(local, Manifest(schedule, start, end, rows, dataKey, bytes, sha256), cancellationToken).ConfigureAwait(false);
            await target.PutAsync($"{stem}.manifest.json", local, "application/json", cancellationToken).ConfigureAwait(false);
            var done = running with { Status = "done", Finished = time.GetUtcNow(), Rows = rows, Files = target.Locate(dataKey) };
            await runs.SaveAsync(done, cancellationToken).ConfigureAwait(false);
            ExportLog.Exported(logger, schedule.Id, start, end, rows, done.Files);
            return done;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ExportLog.Failed(logger, ex, schedule.Id, start);
            var failed = running with { Status = "failed", Finished = time.GetUtcNow(), Detail = ex.Message };
            await runs.SaveAsync(failed, CancellationToken.None).ConfigureAwait(false);
            return failed;
        }
        finally
        {
            File.Delete(local);
        }
    }

    private static byte[] Manifest(ExportScheduleConfig schedule, DateTimeOffset start, DateTimeOffset end, long rows, string key, long bytes, string sha256)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schedule_id", schedule.Id);
            w.WriteString("source", "request_logs");
            w.WriteString("window_start", start.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("window_end", end.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("format", ExportsConfigReader.Name(schedule.Format));
            w.WriteBoolean("gzip", schedule.Gzip);
            w.WriteBoolean("include_content", schedule.IncludeContent);
            w.WriteNumber("rows", rows);
            w.WriteStartArray("files");
            w.WriteStartObject();
            w.WriteString("key", key);
            w.WriteNumber("bytes", bytes);
            w.WriteString("sha256", sha256);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Next(ExportScheduleConfig schedule, DateTimeOffset after) =>
        schedule.Cron.GetNextOccurrence(after, TimeZoneInfo.Utc, inclusive: false);

    private static IExportTarget Create(ExportDestinationConfig destination) => destination.Type == ExportDestinationType.S3
        ? new S3ExportTarget(destination)
        : new DirectoryExportTarget(destination);
}
