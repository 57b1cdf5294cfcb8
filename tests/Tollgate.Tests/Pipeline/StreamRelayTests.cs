using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Tollgate.Api.Anthropic;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Providers.OpenAICompatible;
using Tollgate.Providers;
using Tollgate.Streaming;

namespace Tollgate.Tests.Pipeline;

/// <summary>The relay over in-memory upstreams and a <see cref="DefaultHttpContext"/>: no sockets.</summary>
public sealed class StreamRelayTests
{
    private const string Chunk1 = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}""";
    private const string Chunk2 = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}""";
    private const string UsageChunk = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}""";

    private static string Sse(params string[] chunks) => string.Concat(chunks.Select(c => "data: " + c + "\n\n"));

    /// <summary>Hands out its bytes, then fails the next read as a reset connection does.</summary>
    private sealed class DroppingStream(byte[] data) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position == data.Length)
            {
                throw new IOException("connection reset by peer");
            }

            var n = Math.Min(count, data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Wraps a sink and counts what reaches it.</summary>
    private sealed class CountingSink(IStreamSink inner) : IStreamSink
    {
        public List<string> Chunks { get; } = [];

        public TokenUsage Usage => inner.Usage;

        public bool Failed => inner.Failed;

        public void OnChunk(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
        {
            Chunks.Add(Encoding.UTF8.GetString(chunk));
            inner.OnChunk(chunk, output);
        }

        public void OnUsage(TokenUsage usage) => inner.OnUsage(usage);

        public void Complete(IBufferWriter<byte> output) => inner.Complete(output);

        public void Fail(GatewayError error, IBufferWriter<byte> output) => inner.Fail(error, output);
    }

    private sealed class BlockSecondEvent : IAnswerStage
    {
        private int _events;

        public bool? EndedCompleted { get; private set; }

        public GatewayError? OnAnswer(InferenceCall call, ReadOnlySpan<byte> answer) => null;

        public GatewayError? OnStreamEvent(InferenceCall call, ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data) =>
            ++_events == 2 ? new GatewayError(400, "blocked", ErrorTypes.InvalidRequest, "guardrail_violation", "rule-1") : null;

        public void OnStreamEnd(InferenceCall call, bool completed) => EndedCompleted = completed;
    }

    private static StreamRelayOptions Options(bool wantsUsage = false) =>
        new("up", TimeSpan.FromSeconds(30), wantsUsage, "chat.completion.chunk", "chatcmpl-fallback", 1, "m");

    private static async Task<(StreamOutcome Outcome, string Client)> RelayAsync(Stream upstream, IStreamTranslator translator, StreamRelayOptions options)
    {
        var context = new DefaultHttpContext();
        var client = new MemoryStream();
        context.Response.Body = client;
        using var timeout = new CancellationTokenSource();
        var outcome = await StreamRelay.RunAsync(context, upstream, translator, options, timeout);
        await context.Response.BodyWriter.FlushAsync();
        return (outcome, Encoding.UTF8.GetString(client.ToArray()));
    }

    [Fact]
    public async Task MidStreamDrop_OpenAIClient_GetsTheEventsSoFarThenAnErrorEventAndDone()
    {
        var upstream = new DroppingStream(Encoding.UTF8.GetBytes(Sse(Chunk1, Chunk2)));

        var (outcome, client) = await RelayAsync(upstream, new OpenAIStreamPassthrough(false, "up"), Options());

        Assert.Equal("upstream_stream_interrupted", outcome.Error?.Code);
        Assert.Equal(502, outcome.Error?.Status);
        Assert.False(outcome.Completed);
        Assert.StartsWith(Sse(Chunk1, Chunk2), client, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"upstream_stream_interrupted\"", client, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", client, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MidStreamDrop_AnthropicClient_EndsWithAnErrorEventAndNoMessageStop()
    {
        var upstream = new DroppingStream(Encoding.UTF8.GetBytes(Sse(Chunk1)));
        var options = Options() with { Sink = new AnthropicInboundStream("claude-x") };

        var (outcome, client) = await RelayAsync(upstream, new OpenAIStreamPassthrough(false, "up"), options);

        Assert.Equal("upstream_stream_interrupted", outcome.Error?.Code);
        Assert.Contains("event: message_start", client, StringComparison.Ordinal);
        Assert.Contains("\"text\":\"Hel\"", client, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", client, StringComparison.Ordinal);
        Assert.Contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"", client, StringComparison.Ordinal);
        Assert.DoesNotContain("message_stop", client, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", client, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnthropicClient_OverAnOpenAIUpstream_EachUpstreamChunkReachesTheSinkOnceAsSent()
    {
        var upstream = new MemoryStream(Encoding.UTF8.GetBytes(Sse(Chunk1, Chunk2, UsageChunk) + "data: [DONE]\n\n"));
        var sink = new CountingSink(new AnthropicInboundStream("claude-x"));

        var (outcome, client) = await RelayAsync(upstream, new OpenAIStreamPassthrough(false, "up"), Options() with { Sink = sink });

        // The chunks arrive as the upstream wrote them (Databricks-style usage not stripped, no OpenAI frame rebuilt).
        Assert.Equal([Chunk1, Chunk2, UsageChunk], sink.Chunks);
        Assert.Null(outcome.Error);
        Assert.True(outcome.Completed);
        Assert.Equal(new TokenUsage(7, 2, 0), outcome.Usage);
        Assert.Contains("\"output_tokens\":2", client, StringComparison.Ordinal);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", client, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnswerStageBlocksMidStream_ClientGetsTheDialectErrorAndEndMarker()
    {
        var upstream = new MemoryStream(Encoding.UTF8.GetBytes(Sse(Chunk1, Chunk2, UsageChunk) + "data: [DONE]\n\n"));
        var stage = new BlockSecondEvent();
        var call = PipelineFakes.Call(PipelineFakes.Provider(new NetworkConfig(), null, PipelineFakes.Key("k1")), stream: true);
        var options = Options() with { Stages = AnswerStages.Of([stage]), Call = call };

        var (outcome, client) = await RelayAsync(upstream, new OpenAIStreamPassthrough(false, "up"), options);

        Assert.Equal("guardrail_violation", outcome.Error?.Code);
        Assert.StartsWith(Sse(Chunk1), client, StringComparison.Ordinal);
        Assert.DoesNotContain("\"lo\"", client, StringComparison.Ordinal);
        Assert.Contains("\"param\":\"rule-1\"", client, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", client, StringComparison.Ordinal);
        Assert.False(stage.EndedCompleted);
    }

    [Fact]
    public async Task OpenAIClient_AskedForUsage_GetsTheUsageChunkOnce()
    {
        var upstream = new MemoryStream(Encoding.UTF8.GetBytes(Sse(Chunk1, UsageChunk) + "data: [DONE]\n\n"));

        var (outcome, client) = await RelayAsync(upstream, new OpenAIStreamPassthrough(true, "up"), Options(wantsUsage: true));

        Assert.Equal(Sse(Chunk1, UsageChunk) + "data: [DONE]\n\n", client);
        Assert.Equal(9, outcome.Usage.TotalTokens);
    }
}
