using BenchmarkDotNet.Attributes;
using Tollgate.Pipeline;
using Tollgate.Streaming;

namespace Tollgate.Benchmarks;

/// <summary>
/// The read side of the SSE relay for one whole stream (bench/mock/stream.sse: 50 events, usage in the last): frame
/// every event with <see cref="SseReader"/>, pre-check each one for usage and parse the one that carries it, as the
/// OpenAI pass-through does. Per stream, so divide by 50 for a per-event figure. The per-stream allocation is the
/// reader itself (its buffer is pooled) and the async state machine when a read has to wait (never, on a MemoryStream).
/// </summary>
[MemoryDiagnoser]
public class StreamingBenchmarks
{
    private byte[] _sse = [];
    private byte[] _chat = [];
    private byte[] _usageChunk = [];
    private byte[] _contentChunk = [];

    [GlobalSetup]
    public void Setup()
    {
        _sse = Fixtures.Read("stream.sse");
        _chat = Fixtures.Read("chat.json");
        var text = System.Text.Encoding.UTF8.GetString(_sse);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        _usageChunk = System.Text.Encoding.UTF8.GetBytes(events[^2]["data: ".Length..]);
        _contentChunk = System.Text.Encoding.UTF8.GetBytes(events[5]["data: ".Length..]);
    }

    [Benchmark(Description = "SseReader + usage scan, 50-event stream")]
    public async Task<long> RelayStream()
    {
        using var stream = new MemoryStream(_sse, writable: false);
        using var reader = new SseReader(stream);
        long tokens = 0;
        while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            var data = reader.Data;
            if (UsageReader.MayContainUsage(data) && UsageReader.TryRead(data, out var usage, out _))
            {
                tokens += usage.PromptTokens + usage.CompletionTokens;
            }
        }

        return tokens;
    }

    [Benchmark(Description = "UsageReader.TryRead (usage chunk)")]
    public bool UsageChunk() => UsageReader.TryRead(_usageChunk, out _, out _);

    [Benchmark(Description = "UsageReader.MayContainUsage (content chunk, no usage)")]
    public bool UsagePrecheck() => UsageReader.MayContainUsage(_contentChunk);

    [Benchmark(Description = "UsageReader.TryRead (1.4 KB chat.completion)")]
    public bool UsageChat() => UsageReader.TryRead(_chat, out _, out _);
}
