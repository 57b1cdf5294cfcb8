using System.Buffers;
using Tollgate.Inference;

namespace Tollgate.Streaming;

/// <summary>
/// Turns upstream stream events into OpenAI chunk frames (<c>data: {...}\n\n</c>) and keeps the call's usage.
/// The relay around it owns flushing, the final usage chunk and <c>[DONE]</c>.
/// </summary>
internal interface IStreamTranslator
{
    void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output);

    TokenUsage Usage { get; }

    /// <summary>The upstream said the stream is complete (<c>[DONE]</c>, <c>message_stop</c>).</summary>
    bool Completed { get; }

    /// <summary>A usage-only chunk already went to the client.</summary>
    bool UsageChunkWritten { get; }

    /// <summary>An error the upstream reported inside the stream, if any.</summary>
    GatewayError? Error { get; }

    ChunkIdentity? Identity { get; }

    /// <summary>Chunks with choices relayed so far (about one output token each).</summary>
    int ContentChunks { get; }

    /// <summary>
    /// Hands the upstream's own OpenAI chunks straight to a client dialect's sink, which parses each once, instead of
    /// writing OpenAI frames for it to parse again. False for translators whose chunks are of their own making (the
    /// relay then feeds the sink the frames they write).
    /// </summary>
    bool TryFeed(IStreamSink sink) => false;
}
