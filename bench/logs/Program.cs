using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Tollgate.Configuration;
using Tollgate.Observability.RequestLogs;

// Fills a request log with realistic rows through RequestLogWriter, then times every query shape the admin API and
// the UI use, and writes a markdown report with the plans. Usage:
//   dotnet run -c Release --project bench/logs -- --rows 1000000 --out bench/results/<date>-logs.md
// TOLLGATE_BENCH_POSTGRES (an Npgsql connection string) adds a PostgreSQL column, in a schema of its own dropped after.
namespace Tollgate.Bench.Logs;

internal static class Program
{
    private const int Runs = 5;

    public static async Task<int> Main(string[] args)
    {
        var rows = 1_000_000;
        var output = $"bench/results/{DateTime.UtcNow:yyyy-MM-dd}-logs.md";
        var postgresOnly = false;
        var keep = false;
        for (var i = 0; i < args.Length - 1; i += 2)
        {
            switch (args[i])
            {
                case "--rows":
                    rows = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--out":
                    output = args[i + 1];
                    break;
                case "--only":
                    // "--only postgres": skip SQLite (to look into a PostgreSQL figure).
                    postgresOnly = args[i + 1] == "postgres";
                    break;
                case "--keep-schema":
                    // "--keep-schema true": leave the PostgreSQL schema in place, for EXPLAIN ANALYZE by hand.
                    keep = args[i + 1] == "true";
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}");
                    return 2;
            }
        }

        var now = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddHours(12);
        var report = new StringBuilder();
        var results = new List<BackendResult>();

        var directory = Path.Combine(Path.GetTempPath(), "tollgate-logbench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            if (!postgresOnly)
            {
                using var sqlite = new SqliteRequestLogStore(Path.Combine(directory, SqliteRequestLogStore.FileName));
                var result = await RunAsync("SQLite", sqlite, rows, now);
                result.Notes.Add($"logs.db after the fill: {new FileInfo(Path.Combine(directory, SqliteRequestLogStore.FileName)).Length / 1024 / 1024} MB (+ WAL)");
                results.Add(result);
            }

            if (Environment.GetEnvironmentVariable("TOLLGATE_BENCH_POSTGRES") is { Length: > 0 } postgres)
            {
                var schema = "logbench_" + Guid.NewGuid().ToString("N")[..8];
                await using var admin = NpgsqlDataSource.Create(postgres);
                await using (var create = admin.CreateCommand($"CREATE SCHEMA {schema}"))
                {
                    await create.ExecuteNonQueryAsync();
                }

                try
                {
                    await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString);
                    var store = new PostgresRequestLogStore(dataSource);
                    results.Add(await RunAsync("PostgreSQL", store, rows, now, async () =>
                    {
                        // What autovacuum would do on its own after a bulk load; without statistics the planner guesses.
                        await using var analyze = dataSource.CreateCommand("VACUUM ANALYZE request_logs, request_log_minutes, request_log_hours, request_log_stats_hours");
                        await analyze.ExecuteNonQueryAsync();
                    }));
                }
                finally
                {
                    Console.WriteLine(keep ? $"kept schema {schema}" : $"dropping schema {schema}");
                    await using var drop = admin.CreateCommand($"DROP SCHEMA {schema} CASCADE");
                    if (!keep)
                    {
                        await drop.ExecuteNonQueryAsync();
                    }
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }

        Report.Write(report, results, rows);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report.ToString());
        Console.WriteLine(report.ToString());
        Console.WriteLine($"written to {output}");
        return 0;
    }

    private static async Task<BackendResult> RunAsync(string name, RelationalRequestLogStore store, int rows, DateTimeOffset now, Func<Task>? afterFill = null)
    {
        Console.WriteLine($"[{name}] filling {rows:N0} rows through RequestLogWriter...");
        var result = new BackendResult(name);
        var client = new ClientConfig();
        var writer = new RequestLogWriter(store, () => client, TimeProvider.System, NullLogger<RequestLogWriter>.Instance, client.LogQueueCapacity);
        await writer.StartAsync(CancellationToken.None);
        var generator = new RowGenerator(now, rows);
        long fullRetries = 0;
        var fill = Stopwatch.StartNew();
        foreach (var entry in generator.Rows())
        {
            while (!writer.TryEnqueue(entry))
            {
                // Queue full: the gateway would drop here; the benchmark waits, to measure sustained throughput.
                fullRetries++;
                await Task.Delay(1);
            }
        }

        await writer.StopAsync(CancellationToken.None);
        fill.Stop();
        writer.Dispose();
        result.Notes.Add($"fill: {rows:N0} rows in {fill.Elapsed.TotalSeconds:0.0} s = **{rows / fill.Elapsed.TotalSeconds:N0} rows/s** through the writer " +
            $"(batches of {RequestLogWriter.MaxBatch:N0}; the producer met a full queue {fullRetries:N0} times and waited 1 ms each; written {writer.Written:N0})");
        if (afterFill is not null)
        {
            await afterFill();
        }

        var probe = generator.Probe;
        var day = TimeSpan.FromDays(1);
        var shapes = new List<Shape>
        {
            new("first page (limit 50, no filter)", RequestLogFilter.None),
            new("provider = databricks", new RequestLogFilter { Provider = "databricks" }),
            new("model = claude-3-5-haiku (1.5% of rows)", new RequestLogFilter { Model = "claude-3-5-haiku" }),
            new("virtual_key_id (1 of 40)", new RequestLogFilter { VirtualKeyId = "vk-017" }),
            new("team_id (1 of 8)", new RequestLogFilter { TeamId = "team-3" }),
            new("customer_id (1 of 3)", new RequestLogFilter { CustomerId = "cust-2" }),
            new("key_name", new RequestLogFilter { KeyName = "anthropic-key-1" }),
            new("status = ok", new RequestLogFilter { Status = RequestLogStatusFilter.Ok }),
            new("status = error (~3%)", new RequestLogFilter { Status = RequestLogStatusFilter.Error }),
            new("status = 504 (~0.2%)", new RequestLogFilter { Status = RequestLogStatusFilter.Code, StatusCode = 504 }),
            new("error_type = rate_limit_error", new RequestLogFilter { ErrorType = "rate_limit_error" }),
            new("stream = true", new RequestLogFilter { Stream = true }),
            new("min_latency_ms = 3000 (~3%)", new RequestLogFilter { MinLatencyMs = 3000 }),
            new("min_latency_ms = 60000 (no match: scans the range)", new RequestLogFilter { MinLatencyMs = 60_000 }),
            new("min_latency_ms = 60000, last 24 h", new RequestLogFilter { MinLatencyMs = 60_000, From = now - day, To = now }),
            new("q = request id prefix", new RequestLogFilter { IdPrefix = probe.Id[..^3] }),
            new("from/to: one hour 10 days ago", new RequestLogFilter { From = now.AddDays(-10), To = now.AddDays(-10).AddHours(1) }),
            new("from/to 24 h + model + status=error", new RequestLogFilter { From = now - day, To = now, Model = "gpt-4o", Status = RequestLogStatusFilter.Error }),
            new("vk + rare model (no match in most of the range)", new RequestLogFilter { VirtualKeyId = "vk-003", Model = "dbrx-instruct", Status = RequestLogStatusFilter.Code, StatusCode = 400 }),
        };

        foreach (var shape in shapes)
        {
            var timings = await TimeAsync(() => store.ListAsync(shape.Filter, null, 50));
            result.Rows.Add(new Row(shape.Name, timings, await store.ExplainListAsync(shape.Filter, null, 50)));
        }

        // Page 50: walk 49 pages by cursor (as a user clicking "next" would), then time the 50th.
        var cursor = default(RequestLogCursor?);
        for (var page = 1; page < 50; page++)
        {
            cursor = (await store.ListAsync(RequestLogFilter.None, cursor, 50)).Next;
        }

        result.Rows.Add(new Row("page 50 via cursor", await TimeAsync(() => store.ListAsync(RequestLogFilter.None, cursor, 50)),
            await store.ExplainListAsync(RequestLogFilter.None, cursor, 50)));
        var errorCursor = (await store.ListAsync(new RequestLogFilter { Status = RequestLogStatusFilter.Error }, null, 50)).Next;
        for (var page = 2; page < 50 && errorCursor is not null; page++)
        {
            errorCursor = (await store.ListAsync(new RequestLogFilter { Status = RequestLogStatusFilter.Error }, errorCursor, 50)).Next;
        }

        result.Rows.Add(new Row("page 50 via cursor, status = error", await TimeAsync(() => store.ListAsync(new RequestLogFilter { Status = RequestLogStatusFilter.Error }, errorCursor, 50)), null));
        result.Rows.Add(new Row("detail by id", await TimeAsync(() => store.GetAsync(probe.Id)), null));
        // The rollup's figures and, in the same run, the rows-only path it replaces (the "before"). The dashboard's ranges
        // end at "now", inside a minute, so its edges come from the rows.
        var dashboardNow = now.AddSeconds(-17.5);
        result.Rows.Add(new Row("stats 24 h (5-min buckets), rows only (before)", await TimeAsync(() => store.StatsFromRowsAsync(RequestLogFilter.None, dashboardNow - day, dashboardNow, 300)),
            await store.ExplainStatsAsync(RequestLogFilter.None, now - day, now)));
        result.Rows.Add(new Row("stats 24 h (5-min buckets), rollup", await TimeAsync(() => store.StatsAsync(RequestLogFilter.None, dashboardNow - day, dashboardNow, 300)), null));
        result.Rows.Add(new Row("stats 24 h, one virtual key", await TimeAsync(() => store.StatsAsync(new RequestLogFilter { VirtualKeyId = "vk-017" }, now - day, now, 300)), null));
        result.Rows.Add(new Row("stats 30 d (3-hour buckets), rows only (before)", await TimeAsync(() => store.StatsFromRowsAsync(RequestLogFilter.None, dashboardNow.AddDays(-30), dashboardNow, 10800), runs: 3),
            await store.ExplainStatsAsync(RequestLogFilter.None, now.AddDays(-30), now)));
        result.Rows.Add(new Row("stats 30 d (3-hour buckets), minute rollup (2026-12-02)", await TimeAsync(() => store.StatsWithoutHoursAsync(RequestLogFilter.None, dashboardNow.AddDays(-30), dashboardNow, 10800)), null));
        result.Rows.Add(new Row("stats 30 d (3-hour buckets), stats hours", await TimeAsync(() => store.StatsAsync(RequestLogFilter.None, dashboardNow.AddDays(-30), dashboardNow, 10800)), null));
        result.Rows.Add(new Row("stats 7 d (1-hour buckets), stats hours", await TimeAsync(() => store.StatsAsync(RequestLogFilter.None, dashboardNow.AddDays(-7), dashboardNow, 3600)), null));
        // Filtered 30-day stats: the rows through the filter's index (the figure before), then the stats hours.
        var filtered = new (string Name, RequestLogFilter Filter)[]
        {
            ("one virtual key", new RequestLogFilter { VirtualKeyId = "vk-017" }),
            ("one team", new RequestLogFilter { TeamId = "team-3" }),
            ("one customer", new RequestLogFilter { CustomerId = "cust-2" }),
            ("provider = databricks", new RequestLogFilter { Provider = "databricks" }),
            ("model = gpt-4o", new RequestLogFilter { Model = "gpt-4o" }),
        };
        foreach (var (label, filter) in filtered)
        {
            result.Rows.Add(new Row($"stats 30 d, {label}, rows (before)", await TimeAsync(() => store.StatsFromRowsAsync(filter, dashboardNow.AddDays(-30), dashboardNow, 10800), runs: 3), null));
            result.Rows.Add(new Row($"stats 30 d, {label}, stats hours", await TimeAsync(() => store.StatsAsync(filter, dashboardNow.AddDays(-30), dashboardNow, 10800)), null));
        }

        result.Rows.Add(new Row("export 10k rows (read + CSV)", await TimeAsync(async () =>
        {
            var csv = new StringBuilder();
            var count = 0;
            await foreach (var entry in store.ExportAsync(RequestLogFilter.None, 10_000))
            {
                RequestLogCsv.AppendRow(csv, entry);
                if (++count % 256 == 0)
                {
                    csv.Clear();
                }
            }

            return count;
        }, runs: 3), null));

        var retention = Stopwatch.StartNew();
        long deleted = 0;
        int chunk;
        var cutoff = now.AddDays(-29);
        var chunkTimes = new List<double>();
        do
        {
            var one = Stopwatch.StartNew();
            chunk = await store.DeleteOlderThanAsync(cutoff, RequestLogRetention.ChunkSize);
            chunkTimes.Add(one.Elapsed.TotalMilliseconds);
            deleted += chunk;
        }
        while (chunk == RequestLogRetention.ChunkSize);

        result.Notes.Add($"retention: deleting the oldest day ({deleted:N0} rows) took {retention.Elapsed.TotalMilliseconds:N0} ms in {chunkTimes.Count} chunks of " +
            $"{RequestLogRetention.ChunkSize:N0}; longest chunk (the write lock's longest hold) {chunkTimes.Max():N0} ms");
        return result;
    }

    private static async Task<double[]> TimeAsync<T>(Func<Task<T>> query, int runs = Runs)
    {
        await query(); // warm: JIT, statement cache, page cache
        var timings = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await query();
            timings[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(timings);
        return timings;
    }
}
