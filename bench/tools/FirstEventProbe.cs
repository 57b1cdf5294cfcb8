using System.Diagnostics;
using System.Globalization;

namespace Tollgate.Bench.Tools;

/// <summary>
/// Sequential streaming requests on one pooled connection: time to response headers, to the first <c>data:</c> event
/// and to the end of the stream, against an upstream that sends its first event at once and the rest a few ms apart.
/// The harness subtracts the direct row's figures to get a proxy's time-to-first-event overhead.
/// </summary>
internal static class FirstEventProbe
{
    public static async Task<int> RunAsync(Options options)
    {
        var count = (int)options.Number("count", 300);
        var warmup = (int)options.Number("warmup", 50);
        var body = await File.ReadAllBytesAsync(options.Text("body"));
        using var client = Options.Client(1);
        var headers = new List<long>(count);
        var first = new List<long>(count);
        var end = new List<long>(count);
        var failures = 0;
        for (var i = 0; i < warmup + count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var request = options.Request(body, stream: true);
                using var response = await client.SendAsync(request, CancellationToken.None);
                var atHeaders = Stopwatch.GetTimestamp();
                await using var stream = await response.Content.ReadAsStreamAsync();
                var (firstData, done, _) = await StreamReading.ReadAsync(stream, null, CancellationToken.None);
                var atEnd = Stopwatch.GetTimestamp();
                if (!response.IsSuccessStatusCode || !done || firstData == 0)
                {
                    failures++;
                    continue;
                }

                if (i >= warmup)
                {
                    headers.Add(Percentiles.Micros(atHeaders - start));
                    first.Add(Percentiles.Micros(firstData - start));
                    end.Add(Percentiles.Micros(atEnd - start));
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                failures++;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TOLLGATE_BENCH_TOOL ttfe requests={first.Count} failed={failures} ")
            + Percentiles.Summary("headers", headers) + " " + Percentiles.Summary("first", first) + " " + Percentiles.Summary("end", end));
        return 0;
    }
}
