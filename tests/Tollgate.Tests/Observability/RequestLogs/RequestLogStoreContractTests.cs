using Tollgate.Observability.RequestLogs;

namespace Tollgate.Tests.Observability.RequestLogs;

/// <summary>What every request log store must do alike, run against SQLite and PostgreSQL.</summary>
public abstract class RequestLogStoreContractTests : IAsyncLifetime
{
    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A store on this test's storage, creating its tables when missing; a new instance each call.</summary>
    private protected abstract IRequestLogStore OpenStore();

    /// <summary>Runs SQL on this test's storage (to put a store back in the state of an earlier version).</summary>
    private protected abstract Task ExecuteSqlAsync(string sql);

    /// <summary>Entries 17 s apart over about 3.3 hours, in several batches, with whole-millisecond latencies (sums stay exact).</summary>
    private static List<RequestLogEntry> Spread(int count, int offset = 0) =>
        [.. RequestLogEntries.Varied(count + offset).Skip(offset).Select((e, i) => e with { Time = RequestLogEntries.Start.AddSeconds(((i + offset) * 17) + 0.25) })];

    private static async Task AppendInBatchesAsync(IRequestLogStore store, List<RequestLogEntry> entries, int batch)
    {
        for (var i = 0; i < entries.Count; i += batch)
        {
            await store.AppendAsync(entries.GetRange(i, Math.Min(batch, entries.Count - i)));
        }
    }

    /// <summary>Ranges whose ends fall inside minutes and hours, whole hours, and one with no whole minute.</summary>
    public static TheoryData<int, int, int> StatsRanges() => new()
    {
        { 7, 11_000, 60 },
        { 0, 12_000, 300 },
        { 3_600, 7_200, 3600 },
        { 95, 130, 60 },
        { 1_000, 9_000, 10800 },
        { 0, 86_400, 900 },
    };

    [Theory]
    [MemberData(nameof(StatsRanges))]
    public async Task Stats_FromTheRollup_AreExactlyTheStatsOfTheRows(int fromSeconds, int toSeconds, int interval)
    {
        var store = (RelationalRequestLogStore)OpenStore();
        await AppendInBatchesAsync(store, Spread(700), batch: 37);
        var from = RequestLogEntries.Start.AddSeconds(fromSeconds).AddMilliseconds(130);
        var to = RequestLogEntries.Start.AddSeconds(toSeconds).AddMilliseconds(70);

        var rollup = await store.StatsAsync(RequestLogFilter.None, from, to, interval);
        var rows = await store.StatsFromRowsAsync(RequestLogFilter.None, from, to, interval);

        Assert.True(rows.Totals.Requests > 0);
        Assert.Equal(rows.Buckets, rollup.Buckets);
        Assert.Equal(rows.Totals, rollup.Totals);
        Assert.Equal(rows.TopModels, rollup.TopModels);
    }

    /// <summary>Filters the stats hours answer, each with whole-hour ranges, ranges ending inside hours, and 3-hour buckets.</summary>
    public static TheoryData<string, int, int, int> HourScopes()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var scope in (string[])["none", "vk", "team", "customer", "provider", "model", "provider+model", "vk+model"])
        {
            data.Add(scope, 0, 14_400, 3600);
            data.Add(scope, 1_000, 11_500, 3600);
            data.Add(scope, 7, 12_000, 10800);
        }

        return data;
    }

    private static RequestLogFilter Scope(string name) => name switch
    {
        "vk" => new RequestLogFilter { VirtualKeyId = "vk-1" },
        "team" => new RequestLogFilter { TeamId = "web" },
        "customer" => new RequestLogFilter { CustomerId = "acme" },
        "provider" => new RequestLogFilter { Provider = "databricks" },
        "model" => new RequestLogFilter { Model = "claude-sonnet" },
        "provider+model" => new RequestLogFilter { Provider = "openai", Model = "gpt-4o-mini" },
        "vk+model" => new RequestLogFilter { VirtualKeyId = "vk-2", Model = "llama-70b" },
        _ => RequestLogFilter.None,
    };

    [Theory]
    [MemberData(nameof(HourScopes))]
    public async Task Stats_FromTheStatsHours_AreExactlyTheStatsOfTheRows(string scope, int fromSeconds, int toSeconds, int interval)
    {
        var store = (RelationalRequestLogStore)OpenStore();
        await AppendInBatchesAsync(store, Spread(700), batch: 37);
        var from = RequestLogEntries.Start.AddSeconds(fromSeconds).AddMilliseconds(130);
        var to = RequestLogEntries.Start.AddSeconds(toSeconds).AddMilliseconds(70);
        var filter = Scope(scope);

        var rollup = await store.StatsAsync(filter, from, to, interval);
        var rows = await store.StatsFromRowsAsync(filter, from, to, interval);

        Assert.True(rows.Totals.Requests > 0);
        Assert.Equal(rows.Buckets, rollup.Buckets);
        Assert.Equal(rows.Totals, rollup.Totals);
        Assert.Equal(rows.TopModels, rollup.TopModels);
    }

    [Theory]
    [InlineData("vk")]
    [InlineData("team")]
    [InlineData("customer")]
    [InlineData("provider")]
    [InlineData("none")]
    public async Task Stats_InWholeHours_ReadTheStatsHours_NotTheRows(string scope)
    {
        var store = (RelationalRequestLogStore)OpenStore();
        await AppendInBatchesAsync(store, Spread(700), batch: 100);
        var filter = Scope(scope);
        var from = RequestLogEntries.Start;
        var to = RequestLogEntries.Start.AddHours(3);
        var before = await store.StatsAsync(filter, from, to, 3600);

        // Rows gone from the log but not from the rollup (no store does this): only a read of the rollup still counts them.
        await ExecuteSqlAsync($"DELETE FROM request_logs WHERE time_ms < {RequestLogEntries.Start.AddHours(2).ToUnixTimeMilliseconds()}");
        var after = await store.StatsAsync(filter, from, to, 3600);
        var rows = await store.StatsFromRowsAsync(filter, from, to, 3600);

        Assert.Equal(before.Totals, after.Totals);
        Assert.Equal(before.TopModels, after.TopModels);
        Assert.Equal(0, rows.Buckets[0].Requests);
        Assert.True(after.Buckets[0].Requests > 0);
        // A filter the rollup does not hold reads the rows.
        var errors = await store.StatsAsync(filter with { Status = RequestLogStatusFilter.Error }, from, to, 3600);
        Assert.Equal(0, errors.Buckets[0].Requests);
    }

    [Fact]
    public async Task Upgrade_FromARollupWithoutStatsHours_RollsUpAgain_AndCountsEachRowOnce()
    {
        var store = (RelationalRequestLogStore)OpenStore();
        var entries = Spread(600);
        await AppendInBatchesAsync(store, entries, batch: 100);
        // As the previous version left it: minutes and hours rolled up, no stats hours table.
        await ExecuteSqlAsync("DROP TABLE request_log_stats_hours");
        var from = RequestLogEntries.Start;
        var to = RequestLogEntries.Start.AddHours(4);
        var filter = new RequestLogFilter { VirtualKeyId = "vk-0" };

        var upgraded = (RelationalRequestLogStore)OpenStore();
        var expected = await upgraded.StatsFromRowsAsync(filter, from, to, 3600);
        // Until the backfill ends the stats come from the rows, so they are right from the first request.
        Assert.Equal(expected.Totals, (await upgraded.StatsAsync(filter, from, to, 3600)).Totals);
        while (await upgraded.BackfillRollupAsync(chunk: 250))
        {
        }

        var after = Spread(100, offset: 600);
        await AppendInBatchesAsync(upgraded, after, batch: 50);
        foreach (var (f, interval) in ((RequestLogFilter, int)[])[(filter, 3600), (RequestLogFilter.None, 3600), (RequestLogFilter.None, 300)])
        {
            var rows = await upgraded.StatsFromRowsAsync(f, from, to, interval);
            var rolled = await upgraded.StatsAsync(f, from, to, interval);
            Assert.Equal(rows.Buckets, rolled.Buckets);
            Assert.Equal(rows.Totals, rolled.Totals);
            Assert.Equal(rows.TopModels, rolled.TopModels);
        }
    }

    [Fact]
    public async Task Rollup_Backfill_RollsUpOlderRowsOnce_AndResumesAfterACrash()
    {
        var store = OpenStore();
        var before = Spread(500);
        await AppendInBatchesAsync(store, before, batch: 100);
        // As an earlier version left it: rows, no rollup, the backfill's range set by the first start of this one.
        await ExecuteSqlAsync("""
            DELETE FROM request_log_minutes; DELETE FROM request_log_hours;
            UPDATE request_log_rollup_state SET through_seq = (SELECT MAX(seq) FROM request_logs), done_seq = 0;
            """);
        var from = RequestLogEntries.Start.AddMinutes(1);
        var to = RequestLogEntries.Start.AddHours(4);

        var upgraded = (RelationalRequestLogStore)OpenStore();
        var expected = await upgraded.StatsFromRowsAsync(RequestLogFilter.None, from, to, 600);
        // Until the backfill ends the stats come from the rows, so they are right from the first request.
        Assert.Equal(expected.Totals, (await upgraded.StatsAsync(RequestLogFilter.None, from, to, 600)).Totals);
        Assert.True(await upgraded.BackfillRollupAsync(chunk: 120));
        Assert.True(await upgraded.BackfillRollupAsync(chunk: 120));

        // A crash here: the next start resumes from the checkpoint, while new rows are rolled up by the writer.
        var restarted = (RelationalRequestLogStore)OpenStore();
        var after = Spread(200, offset: 500);
        await AppendInBatchesAsync(restarted, after, batch: 50);
        Assert.Equal(expected.Totals.Requests, (await restarted.StatsAsync(RequestLogFilter.None, from, to, 600)).Totals.Requests
            - after.Count(e => e.Time >= from && e.Time < to));
        var chunks = 0;
        while (await restarted.BackfillRollupAsync(chunk: 120))
        {
            chunks++;
        }

        Assert.Equal(2, chunks);
        Assert.False(await restarted.BackfillRollupAsync(chunk: 120));
        var rows = await restarted.StatsFromRowsAsync(RequestLogFilter.None, from, to, 600);
        var rolled = await restarted.StatsAsync(RequestLogFilter.None, from, to, 600);
        Assert.Equal(rows.Buckets, rolled.Buckets);
        Assert.Equal(rows.Totals, rolled.Totals);
        Assert.Equal(rows.TopModels, rolled.TopModels);
        Assert.Equal(before.Count + after.Count, rolled.Totals.Requests + before.Concat(after).Count(e => e.Time < from || e.Time >= to));
    }

    [Fact]
    public async Task DeleteOlderThan_RemovesTheRollupOfDeletedMinutes()
    {
        var store = (RelationalRequestLogStore)OpenStore();
        await store.AppendAsync(Spread(400));
        var cutoff = RequestLogEntries.Start.AddHours(1).AddSeconds(30);

        while (await store.DeleteOlderThanAsync(cutoff, chunk: 100) > 0)
        {
        }

        var all = await store.StatsAsync(RequestLogFilter.None, RequestLogEntries.Start.AddDays(-1), RequestLogEntries.Start.AddDays(1), 3600);
        var rows = await store.StatsFromRowsAsync(RequestLogFilter.None, RequestLogEntries.Start.AddDays(-1), RequestLogEntries.Start.AddDays(1), 3600);
        // The minute the cutoff falls in keeps its rollup (some of its rows remain): at most that minute's rows differ.
        Assert.InRange(all.Totals.Requests - rows.Totals.Requests, 0, 2);
        Assert.Equal(0, all.Buckets[0].Requests);
    }

    [Fact]
    public async Task Append_ThenList_ReturnsEveryFieldNewestFirstWithoutContent()
    {
        var store = OpenStore();
        var first = RequestLogEntries.Ok("req-a", RequestLogEntries.Start) with
        {
            Stream = true,
            VirtualKeyId = "vk-1",
            VirtualKeyName = "app ünïcödé 🚀",
            TeamId = "ml",
            CustomerId = "acme",
            TtftMs = 12.5,
            CachedTokens = 3,
            Estimated = true,
            Fallbacks = 1,
            Attempts = 2,
            RequestBody = """{"messages":[]}""",
            ResponseBody = "data: [DONE]",
        };
        var second = RequestLogEntries.Ok("req-b", RequestLogEntries.Start.AddSeconds(1)) with
        {
            Status = 502,
            ErrorType = "upstream_error",
            ErrorCode = "upstream_unreachable",
            ErrorMessage = "Upstream provider 'openai' is unreachable",
            CostNano = null,
            Provider = null,
            Model = null,
        };
        await store.AppendAsync([first, second]);

        var page = await OpenStore().ListAsync(RequestLogFilter.None, after: null, limit: 10);

        Assert.Null(page.Next);
        Assert.Equal([RequestLogEntries.Listed(second), RequestLogEntries.Listed(first)], page.Entries);
    }

    [Fact]
    public async Task Get_ReturnsTheEntryWithItsContent_AndNullForAnUnknownId()
    {
        var store = OpenStore();
        var withContent = RequestLogEntries.Ok("req-content", RequestLogEntries.Start) with
        {
            RequestBody = "{\"q\":\"ünïcödé\"}",
            ResponseBody = "{\"a\":1}",
        };
        var without = RequestLogEntries.Ok("req-plain", RequestLogEntries.Start.AddSeconds(1));
        await store.AppendAsync([withContent, without]);

        Assert.Equal(withContent, await store.GetAsync("req-content"));
        Assert.Equal(without, await store.GetAsync("req-plain"));
        Assert.Null(await store.GetAsync("req-none"));
    }

    public static TheoryData<string> FilterNames() => [.. Filters.Keys];

    private static readonly DateTimeOffset Mid = RequestLogEntries.Start.AddMinutes(100);

    /// <summary>Each filter with the predicate it must mean, checked against the same rows in memory.</summary>
    private static readonly Dictionary<string, (RequestLogFilter Filter, Func<RequestLogEntry, bool> Matches)> Filters = new()
    {
        ["none"] = (RequestLogFilter.None, _ => true),
        ["from"] = (new() { From = Mid }, e => e.Time >= Mid),
        ["to"] = (new() { To = Mid }, e => e.Time < Mid),
        ["from+to"] = (new() { From = Mid, To = Mid.AddMinutes(40) }, e => e.Time >= Mid && e.Time < Mid.AddMinutes(40)),
        ["provider"] = (new() { Provider = "databricks" }, e => e.Provider == "databricks"),
        ["model"] = (new() { Model = "claude-sonnet" }, e => e.Model == "claude-sonnet"),
        ["virtual_key_id"] = (new() { VirtualKeyId = "vk-1" }, e => e.VirtualKeyId == "vk-1"),
        ["team_id"] = (new() { TeamId = "web" }, e => e.TeamId == "web"),
        ["customer_id"] = (new() { CustomerId = "globex" }, e => e.CustomerId == "globex"),
        ["key_name"] = (new() { KeyName = "key-1-1" }, e => e.KeyName == "key-1-1"),
        ["status=ok"] = (new() { Status = RequestLogStatusFilter.Ok }, e => e.Status < 400),
        ["status=error"] = (new() { Status = RequestLogStatusFilter.Error }, e => e.Status >= 400),
        ["status=429"] = (new() { Status = RequestLogStatusFilter.Code, StatusCode = 429 }, e => e.Status == 429),
        ["error_type"] = (new() { ErrorType = "upstream_error" }, e => e.ErrorType == "upstream_error"),
        ["stream=true"] = (new() { Stream = true }, e => e.Stream),
        ["stream=false"] = (new() { Stream = false }, e => !e.Stream),
        ["min_latency_ms"] = (new() { MinLatencyMs = 1500 }, e => e.LatencyMs >= 1500),
        ["q"] = (new() { IdPrefix = "req-001" }, e => e.Id.StartsWith("req-001", StringComparison.Ordinal)),
        ["combined"] = (new() { Provider = "openai", Status = RequestLogStatusFilter.Error, From = Mid },
            e => e.Provider == "openai" && e.Status >= 400 && e.Time >= Mid),
    };

    [Theory]
    [MemberData(nameof(FilterNames))]
    public async Task List_EachFilter_PagesThroughExactlyTheMatchingRows(string name)
    {
        var store = OpenStore();
        var entries = RequestLogEntries.Varied(300);
        await store.AppendAsync(entries);
        var (filter, matches) = Filters[name];

        var listed = await ListAllAsync(store, filter, pageSize: 13);

        var expected = entries.Where(matches).OrderByDescending(e => e.Time).Select(e => e.Id).ToList();
        Assert.NotEmpty(expected);
        // Same set; order newest first (ties in any order, as they are broken by insertion).
        Assert.Equal(expected.Order(StringComparer.Ordinal), listed.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Equal(listed.OrderByDescending(e => e.Time).Select(e => e.Time), listed.Select(e => e.Time));
    }

    [Fact]
    public async Task List_ManyRowsInTheSameMillisecond_PagesWithoutGapsOrDuplicates()
    {
        var store = OpenStore();
        var sameTime = Enumerable.Range(0, 40).Select(i => RequestLogEntries.Ok($"same-{i:D2}", RequestLogEntries.Start.AddMinutes(5))).ToList();
        var before = Enumerable.Range(0, 5).Select(i => RequestLogEntries.Ok($"before-{i}", RequestLogEntries.Start.AddMinutes(i))).ToList();
        var after = Enumerable.Range(0, 5).Select(i => RequestLogEntries.Ok($"after-{i}", RequestLogEntries.Start.AddMinutes(10 + i))).ToList();
        // Separate batches, so one millisecond spans several transactions as it would in a busy gateway.
        await store.AppendAsync([.. before, .. sameTime[..15]]);
        await store.AppendAsync([.. sameTime[15..], .. after]);

        foreach (var pageSize in new[] { 1, 7, 40, 49, 50, 51 })
        {
            var listed = await ListAllAsync(store, RequestLogFilter.None, pageSize);
            Assert.Equal(50, listed.Count);
            Assert.Equal(50, listed.Select(e => e.Id).Distinct().Count());
            Assert.Equal(after.Select(e => e.Id).Reverse(), listed.Take(5).Select(e => e.Id));
            Assert.Equal(before.Select(e => e.Id).Reverse(), listed.TakeLast(5).Select(e => e.Id));
        }
    }

    [Fact]
    public async Task List_LastPage_HasNoCursor()
    {
        var store = OpenStore();
        await store.AppendAsync(RequestLogEntries.Varied(10));

        var full = await store.ListAsync(RequestLogFilter.None, null, 10);
        var partial = await store.ListAsync(RequestLogFilter.None, null, 9);

        Assert.Equal(10, full.Entries.Count);
        Assert.Null(full.Next);
        Assert.NotNull(partial.Next);
        Assert.Single((await store.ListAsync(RequestLogFilter.None, partial.Next, 9)).Entries);
    }

    [Fact]
    public async Task DeleteOlderThan_RemovesOldEntriesAndTheirContent_InChunks()
    {
        var store = OpenStore();
        var old = Enumerable.Range(0, 7).Select(i => RequestLogEntries.Ok($"old-{i}", RequestLogEntries.Start.AddDays(-40).AddMinutes(i)) with { RequestBody = "old body" }).ToList();
        var recent = Enumerable.Range(0, 3).Select(i => RequestLogEntries.Ok($"new-{i}", RequestLogEntries.Start.AddMinutes(i)) with { RequestBody = "new body" }).ToList();
        await store.AppendAsync([.. old, .. recent]);

        var cutoff = RequestLogEntries.Start.AddDays(-30);
        Assert.Equal(3, await store.DeleteOlderThanAsync(cutoff, chunk: 3));
        Assert.Equal(3, await store.DeleteOlderThanAsync(cutoff, chunk: 3));
        Assert.Equal(1, await store.DeleteOlderThanAsync(cutoff, chunk: 3));
        Assert.Equal(0, await store.DeleteOlderThanAsync(cutoff, chunk: 3));

        var left = await ListAllAsync(store, RequestLogFilter.None, 50);
        Assert.Equal(recent.Select(e => e.Id).Reverse(), left.Select(e => e.Id));
        Assert.Null(await store.GetAsync("old-0"));
        Assert.Equal("new body", (await store.GetAsync("new-0"))!.RequestBody);
    }

    [Fact]
    public async Task Stats_GivesBucketsTotalsPercentilesAndTopModels()
    {
        var store = OpenStore();
        var t0 = RequestLogEntries.Start;
        // Minute 0: two openai requests; minute 2: one databricks error and one openai stream. Minute 1 is empty.
        await store.AppendAsync(
        [
            RequestLogEntries.Ok("s1", t0.AddSeconds(1)) with { LatencyMs = 100, PromptTokens = 10, CompletionTokens = 1, CostNano = 1_000_000_000 },
            RequestLogEntries.Ok("s2", t0.AddSeconds(59)) with { LatencyMs = 300, PromptTokens = 20, CompletionTokens = 2, CostNano = 500_000_000 },
            RequestLogEntries.Ok("s3", t0.AddMinutes(2)) with { Provider = "databricks", Model = "llama", Status = 500, ErrorType = "server_error",
                LatencyMs = 1000, PromptTokens = 5, CompletionTokens = 0, CostNano = null },
            RequestLogEntries.Ok("s4", t0.AddMinutes(2).AddSeconds(30)) with { Stream = true, TtftMs = 40, LatencyMs = 200, PromptTokens = 1, CompletionTokens = 9, CostNano = 250_000_000 },
            // Outside the range.
            RequestLogEntries.Ok("s5", t0.AddMinutes(3)) with { LatencyMs = 99_999 },
            RequestLogEntries.Ok("s6", t0.AddSeconds(-1)) with { LatencyMs = 99_999 },
        ]);

        var stats = await store.StatsAsync(RequestLogFilter.None, t0, t0.AddMinutes(3), 60);

        Assert.Equal(60, stats.IntervalSeconds);
        Assert.Equal([t0, t0.AddMinutes(1), t0.AddMinutes(2)], stats.Buckets.Select(b => b.Time));
        Assert.Equal(new RequestLogStatsBucket(t0, 2, 0, 30, 3, 1.5m, 200, 300, 0), stats.Buckets[0]);
        Assert.Equal(new RequestLogStatsBucket(t0.AddMinutes(1), 0, 0, 0, 0, 0m, 0, 0, 0), stats.Buckets[1]);
        Assert.Equal(new RequestLogStatsBucket(t0.AddMinutes(2), 2, 1, 6, 9, 0.25m, 600, 1000, 40), stats.Buckets[2]);
        var totals = stats.Totals;
        Assert.Equal((4L, 1L, 36L, 12L, 1.75m, 400.0), (totals.Requests, totals.Errors, totals.PromptTokens, totals.CompletionTokens, totals.CostUsd, totals.AvgLatencyMs));
        // Nearest rank of 100, 200, 300, 1000: p50 = 200, p95 = 1000 (within the histogram's 1%).
        Assert.InRange(totals.P50LatencyMs, 198, 202);
        Assert.InRange(totals.P95LatencyMs, 990, 1000);
        Assert.Equal(
            [new RequestLogModelStats("openai", "gpt-4o-mini", 3, 0, 31, 12, 1.75m), new RequestLogModelStats("databricks", "llama", 1, 1, 5, 0, 0m)],
            stats.TopModels);

        var filtered = await store.StatsAsync(new RequestLogFilter { Provider = "databricks" }, t0, t0.AddMinutes(3), 60);
        Assert.Equal(1, filtered.Totals.Requests);
        Assert.Equal([0L, 0L, 1L], filtered.Buckets.Select(b => b.Requests));
    }

    [Fact]
    public async Task Stats_BucketsAlignToTheInterval()
    {
        var store = OpenStore();
        var t0 = RequestLogEntries.Start;
        await store.AppendAsync([RequestLogEntries.Ok("a", t0.AddMinutes(59)), RequestLogEntries.Ok("b", t0.AddMinutes(61))]);

        var stats = await store.StatsAsync(RequestLogFilter.None, t0.AddMinutes(30), t0.AddMinutes(90), 3600);

        Assert.Equal([t0, t0.AddHours(1)], stats.Buckets.Select(b => b.Time));
        Assert.Equal([1L, 1L], stats.Buckets.Select(b => b.Requests));
    }

    [Fact]
    public async Task Export_StreamsMatchingRowsNewestFirst_UpToTheLimit()
    {
        var store = OpenStore();
        var entries = RequestLogEntries.Varied(120);
        await store.AppendAsync(entries);

        var all = await ToListAsync(store.ExportAsync(new RequestLogFilter { Status = RequestLogStatusFilter.Error }, 1_000));
        var limited = await ToListAsync(store.ExportAsync(RequestLogFilter.None, 25));

        Assert.Equal(entries.Where(e => e.Status >= 400).Select(e => e.Id).Order(StringComparer.Ordinal), all.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.Equal(25, limited.Count);
        Assert.Equal(entries.Max(e => e.Time), limited[0].Time);
        Assert.All(all, e => Assert.Null(e.RequestBody));
    }

    private static async Task<List<RequestLogEntry>> ListAllAsync(IRequestLogStore store, RequestLogFilter filter, int pageSize)
    {
        var all = new List<RequestLogEntry>();
        RequestLogCursor? cursor = null;
        for (var pages = 0; pages < 1_000; pages++)
        {
            var page = await store.ListAsync(filter, cursor, pageSize);
            Assert.True(page.Entries.Count <= pageSize);
            all.AddRange(page.Entries);
            if (page.Next is null)
            {
                return all;
            }

            // The cursor goes through its text form, as the API hands it out.
            Assert.True(RequestLogCursor.TryDecode(page.Next.Value.Encode(), out var decoded));
            cursor = decoded;
        }

        throw new InvalidOperationException("paging did not end");
    }

    private static async Task<List<RequestLogEntry>> ToListAsync(IAsyncEnumerable<RequestLogEntry> rows)
    {
        var list = new List<RequestLogEntry>();
        await foreach (var row in rows)
        {
            list.Add(row);
        }

        return list;
    }
}
