using Tollgate.Observability.RequestLogs;

namespace Tollgate.Bench.Logs;

/// <summary>
/// Realistic rows over the 30 days before <c>now</c>, in time order as a gateway writes them: 7 models on 4 providers
/// with skewed popularity, 40 virtual keys in 8 teams of 3 customers, about 3% errors (429, 502, 500, 400, 504), 40%
/// streams, long-tailed latencies. Deterministic (fixed seed), so runs compare.
/// </summary>
internal sealed class RowGenerator(DateTimeOffset now, int count)
{
    private static readonly (string Provider, string Model, double Share, long InNano, long OutNano)[] Models =
    [
        ("openai", "gpt-4o-mini", 0.35, 150, 600),
        ("openai", "gpt-4o", 0.15, 2500, 10000),
        ("databricks", "databricks-meta-llama-3-3-70b-instruct", 0.20, 500, 1500),
        ("databricks", "dbrx-instruct", 0.05, 750, 2250),
        ("anthropic", "claude-sonnet-4", 0.13, 3000, 15000),
        ("anthropic", "claude-3-5-haiku", 0.015, 800, 4000),
        ("azure", "gpt-4o-mini", 0.105, 150, 600),
    ];

    /// <summary>A row from the middle of the range, for detail and id-prefix lookups.</summary>
    public RequestLogEntry Probe { get; private set; } = null!;

    public IEnumerable<RequestLogEntry> Rows()
    {
        var random = new Random(42);
        var start = now.AddDays(-30);
        var step = TimeSpan.FromDays(30).Ticks / count;
        for (var i = 0; i < count; i++)
        {
            var model = Pick(random.NextDouble());
            var vk = random.Next(40);
            var stream = random.NextDouble() < 0.4;
            var roll = random.NextDouble();
            var status = roll < 0.012 ? 429 : roll < 0.020 ? 502 : roll < 0.026 ? 500 : roll < 0.028 ? 400 : roll < 0.030 ? 504 : 200;
            var prompt = 50 + random.Next(4000);
            var completion = status == 200 ? 10 + random.Next(800) : 0;
            // Log-normal-ish: most calls 0.3-3 s, a tail to 30 s.
            var latency = Math.Round(Math.Exp(6.5 + (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 1.6), 1);
            var upstream = Math.Round(latency * 0.98, 1);
            var entry = new RequestLogEntry
            {
                // Kestrel-style ids, as the gateway uses when the client sends no x-request-id.
                Id = $"0HNA{i / 100_000:X4}{i % 977:X4}:{i:X8}",
                Time = start.AddTicks(step * i),
                Endpoint = "chat.completions",
                Path = "/v1/chat/completions",
                Stream = stream,
                VirtualKeyId = $"vk-{vk:D3}",
                VirtualKeyName = $"app-{vk}",
                TeamId = $"team-{vk % 8}",
                CustomerId = $"cust-{vk % 8 % 3}",
                Provider = model.Provider,
                Model = model.Model,
                RequestedModel = model.Provider + "/" + model.Model,
                KeyName = $"{model.Provider}-key-{random.Next(2)}",
                Status = status,
                ErrorType = status switch { 429 => "rate_limit_error", 400 => "invalid_request_error", 200 => null, _ => "upstream_error" },
                ErrorCode = status switch { 429 => "rate_limit_exceeded", 502 => "upstream_unreachable", 504 => "upstream_timeout", _ => null },
                ErrorMessage = status == 200 ? null : $"Upstream provider '{model.Provider}' answered {status}.",
                LatencyMs = latency,
                TtftMs = stream ? Math.Round(latency * 0.15, 1) : null,
                UpstreamMs = upstream,
                PromptTokens = prompt,
                CompletionTokens = completion,
                CachedTokens = random.NextDouble() < 0.2 ? prompt / 2 : 0,
                CostNano = (prompt * model.InNano) + (completion * model.OutNano),
                Attempts = status == 200 && random.NextDouble() < 0.02 ? 2 : 1,
            };
            if (i == count / 2)
            {
                Probe = entry;
            }

            yield return entry;
        }
    }

    private static (string Provider, string Model, double Share, long InNano, long OutNano) Pick(double roll)
    {
        foreach (var model in Models)
        {
            roll -= model.Share;
            if (roll < 0)
            {
                return model;
            }
        }

        return Models[0];
    }
}
