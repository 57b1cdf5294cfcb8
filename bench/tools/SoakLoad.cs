using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tollgate.Bench.Tools;

/// <summary>
/// Open-loop load at a fixed rate for the soak (bench/soak.sh): a mix of JSON and streaming chat requests, a share of the
/// streams read by deliberately slow clients, every answer classified (<see cref="SoakOutcome"/>), and every
/// <c>--sample-seconds</c> a line with the gateway process's RSS and CPU. Requests start on schedule whatever the
/// latency (up to <c>--max-in-flight</c>), so a slow gateway shows as latency and in-flight growth, not a lower rate.
/// </summary>
internal static class SoakLoad
{
    public static async Task<int> RunAsync(Options options)
    {
        var rate = options.Number("rate", 500);
        var seconds = options.Number("seconds", 60);
        var streamShare = options.Number("stream-share", 0.2);
        var slowShare = options.Number("slow-share", 0.05);
        var sampleSeconds = options.Number("sample-seconds", 10);
        var maxInFlight = (int)options.Number("max-in-flight", 2000);
        var pid = (int)options.Number("pid", 0);
        var body = File.ReadAllBytes(options.Text("body"));
        var streamBody = File.ReadAllBytes(options.Text("stream-body"));
        using var client = Options.Client(maxInFlight);
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var examples = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var inFlight = 0;
        var skipped = 0L;
        var random = new Random(20);
        var started = Stopwatch.GetTimestamp();
        var nextSample = sampleSeconds;
        var interval = 1.0 / rate;
        var tasks = new List<Task>();
        long sent = 0;
        Console.WriteLine($"TOLLGATE_SOAK start rate={rate} seconds={seconds} stream_share={streamShare} slow_share={slowShare}");
        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (elapsed >= seconds)
            {
                break;
            }

            if (elapsed >= nextSample)
            {
                Sample(pid, elapsed, counts, inFlight, skipped);
                nextSample += sampleSeconds;
            }

            var due = (long)(elapsed / interval);
            while (sent < due)
            {
                sent++;
                if (Volatile.Read(ref inFlight) >= maxInFlight)
                {
                    skipped++;
                    continue;
                }

                var stream = random.NextDouble() < streamShare;
                var slow = stream && random.NextDouble() < slowShare;
                Interlocked.Increment(ref inFlight);
                var task = OneAsync(client, options, stream ? streamBody : body, stream, slow, counts, examples)
                    .ContinueWith(_ => Interlocked.Decrement(ref inFlight), TaskScheduler.Default);
                tasks.Add(task);
            }

            if (tasks.Count > 10_000)
            {
                tasks.RemoveAll(t => t.IsCompleted);
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(tasks);
        Sample(pid, Stopwatch.GetElapsedTime(started).TotalSeconds, counts, inFlight, skipped);
        var summary = new Dictionary<string, object>
        {
            ["sent"] = sent - skipped,
            ["skipped"] = skipped,
            ["counts"] = counts.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value),
            ["examples"] = examples.ToDictionary(e => e.Key, e => e.Value),
        };
        Console.WriteLine("TOLLGATE_BENCH_TOOL soak " + JsonSerializer.Serialize(summary));
        return 0;
    }

    private static void Sample(int pid, double elapsed, ConcurrentDictionary<string, long> counts, int inFlight, long skipped)
    {
        var process = pid > 0 ? ProcessSample.Read(pid) : default;
        var done = counts.Values.Sum();
        var gateway = counts.Where(c => c.Key.StartsWith(nameof(SoakOutcome.GatewayError), StringComparison.Ordinal)).Sum(c => c.Value);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TOLLGATE_SOAK sample t={elapsed:0.0} done={done} in_flight={inFlight} skipped={skipped} gateway_errors={gateway} rss_mb={process.RssMb:0.0} cpu_s={process.CpuSeconds:0.00}"));
    }

    private static async Task OneAsync(HttpMessageInvoker client, Options options, byte[] body, bool stream, bool slow,
        ConcurrentDictionary<string, long> counts, ConcurrentDictionary<string, string> examples)
    {
        string key;
        string? detail = null;
        try
        {
            using var request = options.Request(body, stream);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            using var response = await client.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            var isStream = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            if (isStream)
            {
                (key, detail) = await ReadStreamAsync(response, slow, timeout.Token);
            }
            else
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                (key, detail) = Classify(status, bytes);
            }

            key = $"{key} {status}{(slow ? " slow" : "")}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            key = $"{nameof(SoakOutcome.GatewayError)} broken ({e.GetType().Name})";
            detail = e.Message;
        }

        counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (detail is not null)
        {
            examples.TryAdd(key, detail.Length > 300 ? detail[..300] : detail);
        }
    }

    private static (string, string?) Classify(int status, byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (status < 400)
            {
                return (nameof(SoakOutcome.Ok), null);
            }

            var error = document.RootElement.GetProperty("error");
            var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (code == "internal_error")
            {
                return (nameof(SoakOutcome.GatewayError), text);
            }

            return status >= 500
                ? ($"{nameof(SoakOutcome.UpstreamError)} {type}/{code}", text)
                : ($"{nameof(SoakOutcome.ClientError)} {type}/{code}", text);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return ($"{nameof(SoakOutcome.GatewayError)} not-json", text);
        }
    }

    /// <summary>Reads to the end; a slow client takes 256 bytes every 100 ms (2.5 KB/s), as a phone on a bad link would.</summary>
    private static async Task<(string, string?)> ReadStreamAsync(HttpResponseMessage response, bool slow, CancellationToken cancel)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancel);
        var buffer = new byte[slow ? 256 : 16 * 1024];
        var tail = new StringBuilder();
        while (true)
        {
            var read = await stream.ReadAsync(buffer, cancel);
            if (read == 0)
            {
                break;
            }

            tail.Append(Encoding.UTF8.GetString(buffer, 0, read));
            if (tail.Length > 4096)
            {
                tail.Remove(0, tail.Length - 2048);
            }

            if (slow)
            {
                await Task.Delay(100, cancel);
            }
        }

        var text = tail.ToString();
        var done = text.Contains("data: [DONE]", StringComparison.Ordinal);
        if (done && text.Contains("\"error\"", StringComparison.Ordinal))
        {
            return (nameof(SoakOutcome.StreamEndedWithError), text.Length > 300 ? text[^300..] : text);
        }

        return done ? (nameof(SoakOutcome.Ok), null) : ($"{nameof(SoakOutcome.GatewayError)} stream-without-done", text.Length > 300 ? text[^300..] : text);
    }
}
