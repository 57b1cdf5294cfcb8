using System.Diagnostics;
using System.Globalization;

namespace Tollgate.Bench.Tools;

/// <summary>
/// Closed-loop load on <c>--connections</c> connections from the moment it starts (bench/coldstart.sh starts it as soon
/// as the gateway answers <c>/ready</c>), printing for each <c>--window-seconds</c> window the requests completed and
/// the gateway process's CPU per request in it, read from /proc: how much a fresh process pays before it is warm.
/// </summary>
internal static class ColdStartLoad
{
    public static async Task<int> RunAsync(Options options)
    {
        var pid = (int)options.Number("pid", 0);
        var connections = (int)options.Number("connections", 16);
        var windows = (int)options.Number("windows", 10);
        var windowSeconds = options.Number("window-seconds", 2);
        var body = File.ReadAllBytes(options.Text("body"));
        using var client = Options.Client(connections);
        long completed = 0, failed = 0;
        using var stop = new CancellationTokenSource();
        var start = ProcessSample.Read(pid);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TOLLGATE_COLDSTART start cpu_before_load_s={start.CpuSeconds:0.00} rss_mb={start.RssMb:0.0}"));
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var request = options.Request(body, stream: false);
                    using var response = await client.SendAsync(request, stop.Token);
                    await response.Content.ReadAsByteArrayAsync(stop.Token);
                    Interlocked.Increment(ref (response.IsSuccessStatusCode ? ref completed : ref failed));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })).ToArray();

        var previous = start;
        long previousCompleted = 0;
        var clock = Stopwatch.StartNew();
        var results = new List<double>();
        for (var window = 1; window <= windows; window++)
        {
            var due = TimeSpan.FromSeconds(window * windowSeconds) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            var sample = ProcessSample.Read(pid);
            var done = Interlocked.Read(ref completed);
            var requests = done - previousCompleted;
            var cpuPerRequest = requests > 0 ? (sample.CpuSeconds - previous.CpuSeconds) * 1e6 / requests : double.NaN;
            results.Add(cpuPerRequest);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"TOLLGATE_COLDSTART window={window} t={window * windowSeconds:0} requests={requests} cpu_us_per_request={cpuPerRequest:0.0} rss_mb={sample.RssMb:0.0}"));
            previous = sample;
            previousCompleted = done;
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TOLLGATE_BENCH_TOOL coldstart windows={string.Join(',', results.Select(r => r.ToString("0.0", CultureInfo.InvariantCulture)))} failed={failed}"));
        return 0;
    }
}
