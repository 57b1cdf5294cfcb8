using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Observability.RequestLogs;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Observability.RequestLogs;

namespace Tollgate.Tests.Api;

/// <summary><c>/api/logs</c> over real HTTP, with entries enqueued through the gateway's own writer.</summary>
public sealed class LogsAdminApiTests : IAsyncLifetime
{
    private GatewayHost _gateway = null!;
    private List<RequestLogEntry> _entries = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync("""{ "client": { "log_retention_days": 0 } }""");
        _entries = RequestLogEntries.Varied(120);
        _entries[5] = _entries[5] with
        {
            Status = 500,
            ErrorType = "server_error",
            ErrorMessage = "=HYPERLINK(\"http://evil\"), then a line\nbreak",
            RequestBody = """{"messages":[{"role":"user","content":"hi"}]}""",
            ResponseBody = """{"choices":[]}""",
        };
        var writer = _gateway.Services.GetRequiredService<RequestLogWriter>();
        foreach (var entry in _entries)
        {
            Assert.True(writer.TryEnqueue(entry));
        }

        await writer.FlushAsync();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task List_PagesThroughEveryEntryByCursor_WithoutContent()
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var (response, body) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs?limit=50" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var data = body.GetProperty("data");
            Assert.InRange(data.GetArrayLength(), 1, 50);
            foreach (var item in data.EnumerateArray())
            {
                ids.Add(item.GetProperty("id").GetString()!);
                Assert.False(item.TryGetProperty("request_body", out _));
            }

            cursor = body.GetProperty("next_cursor").ValueKind == JsonValueKind.Null ? null : body.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(_entries.Select(e => e.Id).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task List_EntryJson_HasTheDocumentedFields()
    {
        var (_, body) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs?q=req-00005");
        var item = Assert.Single(body.GetProperty("data").EnumerateArray().ToList());
        var entry = _entries[5];

        Assert.Equal("req-00005", item.GetProperty("id").GetString());
        Assert.Equal(entry.Time, item.GetProperty("time").GetDateTimeOffset());
        Assert.EndsWith("Z", item.GetProperty("time").GetString(), StringComparison.Ordinal);
        Assert.Equal(entry.Provider, item.GetProperty("provider").GetString());
        Assert.Equal(entry.VirtualKeyId, item.GetProperty("virtual_key_id").GetString());
        Assert.Equal(entry.PromptTokens, item.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(entry.CostUsd, item.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(entry.OverheadMs, item.GetProperty("overhead_ms").GetDouble());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("error_code").ValueKind);
        string[] fields = ["id", "time", "endpoint", "path", "stream", "virtual_key_id", "virtual_key_name", "team_id", "customer_id", "provider",
            "model", "requested_model", "key_name", "status", "error_type", "error_code", "error_message", "latency_ms", "ttft_ms", "upstream_ms",
            "overhead_ms", "prompt_tokens", "completion_tokens", "cached_tokens", "estimated", "cost_usd", "attempts", "fallbacks",
            "cache", "cache_saved_usd"];
        Assert.Equal(fields.Order(StringComparer.Ordinal), item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        // No price: null, not absent.
        var (_, unpriced) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs?q=req-00013");
        Assert.Equal(JsonValueKind.Null, unpriced.GetProperty("data")[0].GetProperty("cost_usd").ValueKind);
    }

    [Fact]
    public async Task List_Filters_SelectTheMatchingEntries()
    {
        var (_, body) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs?limit=500&provider=databricks&status=error&stream=false&model=");

        var ids = body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        var expected = _entries.Where(e => e.Provider == "databricks" && e.Status >= 400 && !e.Stream).Select(e => e.Id).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=%21%21%21%21", "cursor")]
    [InlineData("status=bad", "status")]
    [InlineData("stream=yes", "stream")]
    [InlineData("from=yesterday", "from")]
    [InlineData("min_latency_ms=-1", "min_latency_ms")]
    [InlineData("modle=gpt-4o", "modle")]
    public async Task List_BadParameter_Is400NamingIt(string query, string parameter)
    {
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(parameter, body.GetProperty("error").GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Get_ReturnsContent_And404IsOpenAIShaped()
    {
        var (found, entry) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs/req-00005");
        var (plainResponse, plain) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs/req-00006");
        var (missing, error) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs/req-nope");

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(_entries[5].RequestBody, entry.GetProperty("request_body").GetString());
        Assert.Equal(_entries[5].ResponseBody, entry.GetProperty("response_body").GetString());
        Assert.Equal(HttpStatusCode.OK, plainResponse.StatusCode);
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("request_body").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("not_found", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Logs_WithoutAdminToken_Are401()
    {
        var response = await _gateway.Client.GetAsync(new Uri("/api/logs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ExportCsv_IsAnAttachment_QuotedAndFormulaSafe()
    {
        var response = await GetAsync("/api/logs/export?format=csv&status=error");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileName, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        var records = ParseCsv(text);
        Assert.Equal("id", records[0][0]);
        Assert.Equal(28, records[0].Count);
        var errors = _entries.Where(e => e.Status >= 400).ToList();
        Assert.Equal(errors.Count + 1, records.Count);
        Assert.All(records, r => Assert.Equal(28, r.Count));
        var injected = records.Single(r => r[0] == "req-00005");
        Assert.Equal("'=HYPERLINK(\"http://evil\"), then a line\nbreak", injected[16]);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\"), then a line\nbreak\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportJsonLines_OneEntryPerLine_UpToTheLimit()
    {
        var response = await GetAsync("/api/logs/export?format=jsonl&limit=30");

        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(30, lines.Length);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(_entries.MaxBy(e => e.Time)!.Time, first.GetProperty("time").GetDateTimeOffset());
        Assert.False(first.TryGetProperty("request_body", out _));
    }

    [Fact]
    public async Task Export_BadFormat_Is400()
    {
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs/export?format=xml");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("format", body.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Stats_OverTheEntries_HasBucketsTotalsAndTopModels()
    {
        var from = RequestLogEntries.Start.ToString("O");
        var to = RequestLogEntries.Start.AddHours(2).ToString("O");
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Get, $"/api/logs/stats?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Two hours: one-minute buckets are the smallest giving at most 300.
        Assert.Equal(60, body.GetProperty("interval_seconds").GetInt32());
        Assert.Equal(120, body.GetProperty("buckets").GetArrayLength());
        var totals = body.GetProperty("totals");
        Assert.Equal(_entries.Count, totals.GetProperty("requests").GetInt64());
        Assert.Equal(_entries.Count(e => e.Status >= 400), totals.GetProperty("errors").GetInt64());
        Assert.Equal(_entries.Sum(e => (long)e.PromptTokens), totals.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(_entries.Sum(e => e.CostUsd ?? 0), totals.GetProperty("cost_usd").GetDecimal());
        Assert.True(totals.GetProperty("p95_latency_ms").GetDouble() >= totals.GetProperty("p50_latency_ms").GetDouble());
        var bucket = body.GetProperty("buckets")[0];
        foreach (var field in new[] { "time", "requests", "errors", "prompt_tokens", "completion_tokens", "cost_usd", "avg_latency_ms", "max_latency_ms", "avg_ttft_ms" })
        {
            Assert.True(bucket.TryGetProperty(field, out _), field);
        }

        var top = body.GetProperty("top_models");
        Assert.Equal(4, top.GetArrayLength());
        Assert.Equal(_entries.Count, top.EnumerateArray().Sum(m => m.GetProperty("requests").GetInt64()));
    }

    [Fact]
    public async Task Stats_IntervalGivingTooManyBuckets_Is400()
    {
        var (response, body) = await _gateway.AdminAsync(HttpMethod.Get, "/api/logs/stats?interval_seconds=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("interval_seconds", body.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task EnableLoggingFalse_InTheConfigFile_QueuesNothing()
    {
        await using var gateway = await GatewayHost.StartAsync("""{ "client": { "enable_logging": false } }""");
        var writer = gateway.Services.GetRequiredService<RequestLogWriter>();

        Assert.False(writer.TryEnqueue(RequestLogEntries.Ok("off", RequestLogEntries.Start)));
        await writer.FlushAsync();

        var (_, body) = await gateway.AdminAsync(HttpMethod.Get, "/api/logs");
        Assert.Equal(0, body.GetProperty("data").GetArrayLength());
        Assert.Equal(0, writer.Dropped);
    }

    private async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.AdminToken);
        var response = await _gateway.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>An RFC 4180 reader, to check the export parses back to the same cells.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(cell.ToString());
                cell.Clear();
                records.Add(record);
                record = [];
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }

        Assert.Empty(record);
        return records;
    }
}
