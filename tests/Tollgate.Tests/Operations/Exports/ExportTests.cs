using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Parquet;
using Tollgate.Observability.RequestLogs;
using Tollgate.Operations.Exports;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Observability.RequestLogs;

namespace Tollgate.Tests.Operations.Exports;

/// <summary>
/// Scheduled exports through a real gateway on a fake clock: entries through its writer, windows exported by
/// <c>POST /api/exports/{id}/run</c> to a directory and to s3rver, read back and compared row by row.
/// </summary>
public sealed class ExportTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0.AddHours(3).AddMinutes(10));
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "exports-" + Guid.NewGuid().ToString("N"));
    private S3Server _s3 = null!;
    private GatewayHost _gateway = null!;
    private List<RequestLogEntry> _entries = null!;

    private string ExportDirectory => Path.Combine(_directory, "out");

    public async Task InitializeAsync()
    {
        _s3 = await S3Server.StartAsync();
        _gateway = await StartGatewayAsync();
        // 3 hours of traffic, 90 s apart, the first with content; one entry in the hour not yet closed (+ delay).
        _entries = [.. RequestLogEntries.Varied(121).Select((e, i) => e with
        {
            Time = T0.AddSeconds(i * 90 + 0.5),
            RequestBody = i % 10 == 0 ? $$"""{"n":{{i}},"q":"a, \"quoted\" body"}""" : null,
            ResponseBody = i % 10 == 0 ? "{\"ok\":true}" : null,
        })];
        var writer = _gateway.Services.GetRequiredService<RequestLogWriter>();
        foreach (var entry in _entries)
        {
            Assert.True(writer.TryEnqueue(entry));
        }

        await writer.FlushAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _s3.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<GatewayHost> StartGatewayAsync() => GatewayHost.StartAsync($$"""
        {
          "client": { "log_retention_days": 0, "log_content": "full" },
          "exports": {
            "destinations": [
              { "id": "local", "type": "directory", "path": "{{ExportDirectory}}" },
              { "id": "bucket", "type": "s3", "bucket": "{{S3Server.Bucket}}", "prefix": "tollgate/logs", "endpoint": "{{_s3.Endpoint}}",
                "force_path_style": true, "access_key_id": "{{S3Server.AccessKey}}", "secret_access_key": "{{S3Server.AccessKey}}" }
            ],
            "schedules": [
              { "id": "hourly-jsonl", "destination": "local", "format": "jsonl", "cron": "0 * * * *", "gzip": true, "start": "2026-06-01T00:00:00Z" },
              { "id": "hourly-csv", "destination": "local", "format": "csv", "cron": "0 * * * *", "include_content": true, "start": "2026-06-01T00:00:00Z" },
              { "id": "hourly-parquet", "destination": "bucket", "format": "parquet", "cron": "0 * * * *", "start": "2026-06-01T00:00:00Z" }
            ]
          }
        }
        """, services => services.AddSingleton<TimeProvider>(_time), directory: _directory);

    private List<RequestLogEntry> InHour(int hour) => [.. _entries.Where(e => e.Time >= T0.AddHours(hour) && e.Time < T0.AddHours(hour + 1))];

    [Fact]
    public async Task Jsonl_Gzip_EachClosedWindowOnce_PartitionedByDate_WithAManifest()
    {
        var runs = await RunAsync("hourly-jsonl");

        Assert.Equal(["done", "done", "done"], runs.Select(r => r.GetProperty("status").GetString()));
        for (var hour = 0; hour < 3; hour++)
        {
            var stem = Path.Combine(ExportDirectory, "hourly-jsonl", "date=2026-06-01", $"hourly-jsonl-20260601T0{hour}0000Z-20260601T0{hour + 1}0000Z");
            var ids = Lines(Gunzip(stem + ".jsonl.gz")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
            Assert.Equal(InHour(hour).Select(e => e.Id), ids);
            var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(stem + ".manifest.json")).RootElement;
            Assert.Equal(ids.Count, manifest.GetProperty("rows").GetInt32());
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(stem + ".jsonl.gz"))),
                manifest.GetProperty("files")[0].GetProperty("sha256").GetString());
            Assert.False(manifest.GetProperty("include_content").GetBoolean());
        }

        // Content only when asked: none in this schedule's rows.
        Assert.DoesNotContain("request_body", Gunzip(Path.Combine(ExportDirectory, "hourly-jsonl", "date=2026-06-01", "hourly-jsonl-20260601T000000Z-20260601T010000Z.jsonl.gz")), StringComparison.Ordinal);

        // Nothing new is due: a second run exports nothing. An hour later exactly the next window is.
        Assert.Empty(await RunAsync("hourly-jsonl"));
        // (The scheduler shares the fake clock and may export it first: either way it is exported once.)
        _time.Advance(TimeSpan.FromHours(1));
        await RunAsync("hourly-jsonl");
        var (_, history) = await _gateway.AdminAsync(HttpMethod.Get, "/api/exports/runs?schedule_id=hourly-jsonl");
        var all = history.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal(4, all.Count);
        Assert.Equal("2026-06-01T03:00:00.000Z", all[0].GetProperty("window_start").GetString());
        Assert.Equal(1, all[0].GetProperty("rows").GetInt32());
        Assert.All(all, r => Assert.Equal("done", r.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Csv_WithContent_HasTheBodyColumns()
    {
        await RunAsync("hourly-csv");

        var text = await File.ReadAllTextAsync(Path.Combine(ExportDirectory, "hourly-csv", "date=2026-06-01", "hourly-csv-20260601T000000Z-20260601T010000Z.csv"));
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(",fallbacks,request_body,response_body", lines[0], StringComparison.Ordinal);
        Assert.Equal(InHour(0).Count + 1, lines.Length);
        Assert.EndsWith("""
            ,"{""n"":0,""q"":""a, \""quoted\"" body""}","{""ok"":true}"
            """, lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parquet_ToS3_IsReadableWithExactCosts()
    {
        var runs = await RunAsync("hourly-parquet");
        Assert.Equal(3, runs.Count);
        Assert.Equal("s3://exports/tollgate/logs/hourly-parquet/date=2026-06-01/hourly-parquet-20260601T000000Z-20260601T010000Z.parquet",
            runs[0].GetProperty("files").GetString());

        using var s3 = new AmazonS3Client(new BasicAWSCredentials(S3Server.AccessKey, S3Server.AccessKey),
            new AmazonS3Config { ServiceURL = _s3.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3Server.Bucket, Prefix = "tollgate/logs/hourly-parquet/" });
        Assert.Equal(6, listed.S3Objects.Count);
        for (var hour = 0; hour < 3; hour++)
        {
            using var response = await s3.GetObjectAsync(S3Server.Bucket, $"tollgate/logs/hourly-parquet/date=2026-06-01/hourly-parquet-20260601T0{hour}0000Z-20260601T0{hour + 1}0000Z.parquet");
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer);
            buffer.Position = 0;
            await using var reader = await ParquetReader.CreateAsync(buffer);
            using var group = reader.OpenRowGroupReader(0);
            var expected = InHour(hour);
            Assert.Equal(expected.Count, group.RowCount);
            var ids = new string?[expected.Count];
            await group.ReadAsync(reader.Schema.FindDataField("id"), ids.AsMemory());
            Assert.Equal(expected.Select(e => e.Id), ids);
            var costs = new decimal?[expected.Count];
            await group.ReadAsync<decimal>(reader.Schema.FindDataField("cost_usd"), costs.AsMemory());
            Assert.Equal(expected.Select(e => e.CostUsd), costs);
        }
    }

    [Fact]
    public async Task Crash_MidRun_ResumesAfterRestart_WithoutGapsOrDuplicates()
    {
        // The second window's manifest never gets written: the run stops there, as a killed process would.
        var runner = _gateway.Services.GetRequiredService<ExportRunner>();
        runner.TargetFactory = destination => new FailingTarget(new DirectoryExportTarget(destination), failAtPut: 4);
        var first = await RunAsync("hourly-jsonl");
        Assert.Equal(["done", "failed"], first.Select(r => r.GetProperty("status").GetString()));
        var folder = Path.Combine(ExportDirectory, "hourly-jsonl", "date=2026-06-01");
        Assert.True(File.Exists(Path.Combine(folder, "hourly-jsonl-20260601T010000Z-20260601T020000Z.jsonl.gz")));
        Assert.False(File.Exists(Path.Combine(folder, "hourly-jsonl-20260601T010000Z-20260601T020000Z.manifest.json")));

        // Restart on the same data directory: the checkpoint survived, the first window is not exported again.
        await _gateway.DisposeAsync();
        _gateway = await StartGatewayAsync();
        var resumed = await RunAsync("hourly-jsonl");
        Assert.Equal(["2026-06-01T01:00:00.000Z", "2026-06-01T02:00:00.000Z"], resumed.Select(r => r.GetProperty("window_start").GetString()));
        Assert.All(resumed, r => Assert.Equal("done", r.GetProperty("status").GetString()));

        var data = Directory.GetFiles(folder, "*.jsonl.gz").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, data.Count);
        Assert.Equal(3, Directory.GetFiles(folder, "*.manifest.json").Length);
        var exported = data.SelectMany(f => Lines(Gunzip(f))).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(_entries.Where(e => e.Time < T0.AddHours(3)).Select(e => e.Id), exported);

        var (_, history) = await _gateway.AdminAsync(HttpMethod.Get, "/api/exports/runs?schedule_id=hourly-jsonl");
        Assert.Equal(["done", "done", "done"], history.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Killed_MidWrite_LeavesATornFile_ThatTheRestartReplaces_ExportingEachWindowOnce()
    {
        // The run is stopped inside the second window's data put, half its file written, as a killed process would be:
        // no exception handler runs, so no "failed" status and no manifest are written.
        var runner = _gateway.Services.GetRequiredService<ExportRunner>();
        TornWriteTarget? torn = null;
        runner.TargetFactory = destination => torn = new TornWriteTarget(new DirectoryExportTarget(destination), tearAtPut: 3);
        using var kill = new CancellationTokenSource();
        var running = runner.RunAsync("hourly-jsonl", kill.Token);
        while (torn is null)
        {
            await Task.Yield();
        }

        await torn.Torn.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        var folder = Path.Combine(ExportDirectory, "hourly-jsonl", "date=2026-06-01");
        var second = Path.Combine(folder, "hourly-jsonl-20260601T010000Z-20260601T020000Z.jsonl.gz");
        // Half a gzip file (GZipStream reads what it can of a truncated stream, so compare sizes, not exceptions).
        var tornLength = new FileInfo(second).Length;
        Assert.True(tornLength > 0);
        Assert.False(File.Exists(Path.ChangeExtension(Path.ChangeExtension(second, null), ".manifest.json")));

        await _gateway.DisposeAsync();
        _gateway = await StartGatewayAsync();
        var (_, before) = await _gateway.AdminAsync(HttpMethod.Get, "/api/exports/runs?schedule_id=hourly-jsonl");
        Assert.Equal(["running", "done"], before.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("status").GetString()));

        var resumed = await RunAsync("hourly-jsonl");
        Assert.Equal(["2026-06-01T01:00:00.000Z", "2026-06-01T02:00:00.000Z"], resumed.Select(r => r.GetProperty("window_start").GetString()));
        var data = Directory.GetFiles(folder, "*.jsonl.gz").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, data.Count);
        Assert.Equal(2 * tornLength, new FileInfo(second).Length, tolerance: 1);
        var exported = data.SelectMany(f => Lines(Gunzip(f))).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(_entries.Where(e => e.Time < T0.AddHours(3)).Select(e => e.Id), exported);
        foreach (var file in data)
        {
            var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(Path.ChangeExtension(file, null), ".manifest.json"))).RootElement;
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(file))),
                manifest.GetProperty("files")[0].GetProperty("sha256").GetString());
        }

        var (_, history) = await _gateway.AdminAsync(HttpMethod.Get, "/api/exports/runs?schedule_id=hourly-jsonl");
        Assert.Equal(["done", "done", "done"], history.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Exports_ListsSchedulesAndDestinationsWithoutKeys_AndUnknownIsA404()
    {
        await RunAsync("hourly-csv");
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Get, "/api/exports");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(S3Server.AccessKey, body.GetRawText(), StringComparison.Ordinal);
        var csv = body.GetProperty("schedules").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "hourly-csv");
        Assert.Equal("done", csv.GetProperty("last_run").GetProperty("status").GetString());
        Assert.Equal("0 * * * *", csv.GetProperty("cron").GetString());
        var (missing, error) = await _gateway.AdminAsync(HttpMethod.Post, "/api/exports/nope/run");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("not_found", error.GetProperty("error").GetProperty("code").GetString());
    }

    private async Task<List<JsonElement>> RunAsync(string schedule)
    {
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Post, $"/api/exports/{schedule}/run");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. body.GetProperty("runs").EnumerateArray()];
    }

    private static string Gunzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return reader.ReadToEnd();
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
