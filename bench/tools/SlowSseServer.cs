using System.Globalization;
using System.Text;

namespace Tollgate.Bench.Tools;

/// <summary>
/// An OpenAI-style SSE upstream that trickles: the first event goes out with the headers, then one event every
/// interval, then a usage chunk and <c>data: [DONE]</c>. nginx can only send a file at once, which measures transfer,
/// not time to first event, and cannot hold thousands of streams open. Two shapes, chosen by the path prefix so every
/// proxy can reach both through its base URL: <c>/slow/v1/chat/completions</c> (the 5,000-stream row: few events,
/// seconds apart) and <c>/quick/v1/chat/completions</c> (the time-to-first-event row: a few events, milliseconds apart).
/// </summary>
internal static class SlowSseServer
{
    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    public static async Task<int> RunAsync(Options options)
    {
        var port = (int)options.Number("port", 0);
        var slow = (Events: (int)options.Number("slow-events", 30), Interval: TimeSpan.FromMilliseconds(options.Number("slow-interval-ms", 2000)));
        var quick = (Events: (int)options.Number("quick-events", 5), Interval: TimeSpan.FromMilliseconds(options.Number("quick-interval-ms", 2)));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.ListenLocalhost(port);
        });
        builder.WebHost.UseSockets(o => o.Backlog = 8192);
        var app = builder.Build();
        app.MapGet("/health", () => "ok");
        app.MapPost("/slow/v1/chat/completions", context => TrickleAsync(context, slow.Events, slow.Interval));
        app.MapPost("/quick/v1/chat/completions", context => TrickleAsync(context, quick.Events, quick.Interval));
        await app.RunAsync();
        return 0;
    }

    private static async Task TrickleAsync(HttpContext context, int events, TimeSpan interval)
    {
        var aborted = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var body = context.Response.Body;
        try
        {
            for (var i = 0; i < events; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(interval, aborted);
                }

                await body.WriteAsync(Chunk(i), aborted);
                await body.FlushAsync(aborted);
            }

            await body.WriteAsync(Usage(events), aborted);
            await body.WriteAsync(DoneEvent, aborted);
            await body.FlushAsync(aborted);
        }
        catch (OperationCanceledException)
        {
            // The client (or the proxy on its behalf) went away: nothing to finish.
        }
    }

    private static byte[] Chunk(int i) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1732370400,\"model\":\"gpt-4o-mini\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"token {i} \"}},\"finish_reason\":null}}],\"usage\":null}}\n\n"));

    private static byte[] Usage(int events) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1732370400,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{{\"prompt_tokens\":112,\"completion_tokens\":{events * 2},\"total_tokens\":{112 + (events * 2)}}}}}\n\n"));
}
