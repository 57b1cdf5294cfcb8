using Tollgate.Observability.RequestLogs;

namespace Tollgate.Tests.Observability.RequestLogs;

/// <summary>Request log entries for tests: plain ones, and a varied set whose every attribute some filter can pick out.</summary>
internal static class RequestLogEntries
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static RequestLogEntry Ok(string id, DateTimeOffset time, string model = "gpt-4o-mini", string provider = "openai") => new()
    {
        Id = id,
        Time = time,
        Endpoint = "chat.completions",
        Path = "/v1/chat/completions",
        Provider = provider,
        Model = model,
        RequestedModel = provider + "/" + model,
        KeyName = "oa-1",
        Status = 200,
        LatencyMs = 100,
        UpstreamMs = 90,
        PromptTokens = 10,
        CompletionTokens = 5,
        CostNano = 1_000,
        Attempts = 1,
    };

    /// <summary>
    /// <paramref name="count"/> entries a minute apart (several sharing a millisecond), over 4 providers/models, 3 virtual
    /// keys, 2 teams, 2 customers, some errors of two types, streams, and latencies from 10 to 2,000 ms.
    /// </summary>
    public static List<RequestLogEntry> Varied(int count)
    {
        string[] providers = ["openai", "databricks", "anthropic", "azure"];
        string[] models = ["gpt-4o-mini", "llama-70b", "claude-sonnet", "gpt-4o"];
        var list = new List<RequestLogEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var p = i % providers.Length;
            var status = i % 17 == 0 ? 429 : i % 23 == 0 ? 502 : 200;
            list.Add(new RequestLogEntry
            {
                Id = $"req-{i:D5}",
                // Every fifth pair shares a millisecond, so paging must break ties.
                Time = Start.AddMinutes(i - (i % 5 == 1 ? 1 : 0)),
                Endpoint = i % 3 == 0 ? "embeddings" : "chat.completions",
                Path = "/v1/chat/completions",
                Stream = i % 2 == 0,
                VirtualKeyId = i % 4 == 3 ? null : $"vk-{i % 3}",
                VirtualKeyName = $"key {i % 3}",
                TeamId = i % 3 == 0 ? "ml" : i % 3 == 1 ? "web" : null,
                CustomerId = i % 2 == 0 ? "acme" : "globex",
                Provider = providers[p],
                Model = models[p],
                RequestedModel = providers[p] + "/" + models[p],
                KeyName = $"key-{p}-{i % 2}",
                Status = status,
                ErrorType = status == 429 ? "rate_limit_error" : status == 502 ? "upstream_error" : null,
                ErrorCode = status == 429 ? "rate_limit_exceeded" : null,
                ErrorMessage = status >= 400 ? "failed, \"quoted\"" : null,
                LatencyMs = 10 + (i * 37 % 1990),
                TtftMs = i % 2 == 0 ? 5 + (i % 50) : null,
                UpstreamMs = 5 + (i * 37 % 1990),
                PromptTokens = 100 + i,
                CompletionTokens = 10 + (i % 7),
                CachedTokens = i % 5,
                Estimated = i % 11 == 0,
                CostNano = i % 13 == 0 ? null : 1_000L * (i + 1),
                Attempts = 1 + (i % 3),
                Fallbacks = i % 3 == 2 ? 1 : 0,
            });
        }

        return list;
    }

    /// <summary>What the list returns for an entry: no content, and whole milliseconds.</summary>
    public static RequestLogEntry Listed(RequestLogEntry entry) => entry with { RequestBody = null, ResponseBody = null };
}
