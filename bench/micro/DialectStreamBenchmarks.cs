using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Tollgate.Api.Anthropic;
using Tollgate.Streaming;

namespace Tollgate.Benchmarks;

/// <summary>
/// One 50-event OpenAI stream (bench/mock/stream.sse) relayed to an Anthropic Messages client through
/// <see cref="StreamRelay"/>, as the gateway does for <c>/anthropic/v1/messages</c> over an OpenAI-compatible upstream:
/// SSE framing, the pass-through translator and the Anthropic event writer, into memory. Per stream; divide by 50 for a
/// per-event figure. Issue 13 made the sink parse each upstream chunk once (before: the translator wrote an OpenAI frame
/// to scratch and the dialect split and parsed it again).
/// </summary>
[MemoryDiagnoser]
public class DialectStreamBenchmarks
{
    private byte[] _sse = [];

    [GlobalSetup]
    public void Setup() => _sse = Fixtures.Read("stream.sse");

    [Benchmark(Description = "Anthropic client over OpenAI upstream, 50-event stream")]
    public async Task<long> AnthropicClient()
    {
        var context = new DefaultHttpContext();
        var client = new MemoryStream();
        context.Response.Body = client;
        using var upstream = new MemoryStream(_sse, writable: false);
        using var timeout = new CancellationTokenSource();
        var options = new StreamRelayOptions("mock", TimeSpan.FromSeconds(30), false, "chat.completion.chunk", "chatcmpl-bench", 1, "m")
        {
            Sink = new AnthropicInboundStream("claude-bench"),
        };
        var outcome = await StreamRelay.RunAsync(context, upstream, new OpenAIStreamPassthrough(false, "mock"), options, timeout).ConfigureAwait(false);
        return client.Length + outcome.Usage.TotalTokens;
    }
}
