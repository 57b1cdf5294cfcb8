using System.Buffers;
using Tollgate.Inference;

namespace Tollgate.Streaming;

/// <summary>
/// Writes a client dialect's event stream (Anthropic Messages, OpenAI Responses) from OpenAI chat chunks: each chunk is
/// parsed once, here, and that dialect's events come out; it also ends or fails the stream its own way.
/// </summary>
internal interface IStreamSink
{
    /// <summary>One OpenAI chunk (a <c>data:</c> payload other than <c>[DONE]</c>), appending complete frames.</summary>
    void OnChunk(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output);

    /// <summary>Usage the upstream reported outside the chunks this sink saw (it closes the stream with it).</summary>
    void OnUsage(TokenUsage usage);

    /// <summary>The latest usage the chunks reported.</summary>
    TokenUsage Usage { get; }

    /// <summary>Whether the stream ended with an error this sink wrote (an error chunk from upstream, or Fail).</summary>
    bool Failed { get; }

    void Complete(IBufferWriter<byte> output);

    void Fail(GatewayError error, IBufferWriter<byte> output);
}
