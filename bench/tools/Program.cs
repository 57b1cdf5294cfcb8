namespace Tollgate.Bench.Tools;

/// <summary>
/// Helpers for bench/run.sh that wrk and nginx cannot do (fixed-rate load is wrk paced by bench/rate.lua):
/// <code>
///   slow-sse  --port P [--events N] [--interval-ms M]         SSE mock that trickles events (5,000-stream and TTFE rows)
///   hold      --url U --body F --count N [--header "K: V"]...  holds N concurrent SSE streams, reports when all are open
///   ttfe      --url U --body F --count N [...]                 sequential streams: time to headers, first event, end
///   soak      --url U --body F --stream-body F --rate R --seconds S --pid P [...]   fixed-rate mixed load, RSS samples (bench/soak.sh)
///   coldstart --url U --body F --pid P --connections C --windows N              CPU per request in 2 s windows (bench/coldstart.sh)
/// </code>
/// Every command prints one machine-readable line starting with <c>TOLLGATE_BENCH_TOOL</c>.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync("usage: tollgate-bench-tools slow-sse|hold|ttfe|soak|coldstart [options]");
            return 2;
        }

        var options = Options.Parse(args.AsSpan(1));
        return args[0] switch
        {
            "slow-sse" => await SlowSseServer.RunAsync(options),
            "hold" => await StreamHolder.RunAsync(options),
            "ttfe" => await FirstEventProbe.RunAsync(options),
            "soak" => await SoakLoad.RunAsync(options),
            "coldstart" => await ColdStartLoad.RunAsync(options),
            _ => 2,
        };
    }
}
