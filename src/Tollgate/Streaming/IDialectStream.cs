using System.Buffers;
using Tollgate.Pipeline;

namespace Tollgate.Streaming;

/// <summary>
/// Re-frames the OpenAI chunk stream for a client that speaks another dialect (Anthropic Messages, OpenAI
/// Responses): each chunk in, that dialect's events out, and its own way of ending or failing a stream.
/// </summary>
internal interface IDialectStream
{
    void OnChunk(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output);

    void Complete(IBufferWriter<byte> output);

    void Fail(GatewayError error, IBufferWriter<byte> output);
}

internal sealed class AnthropicDialectStream(Api.Anthropic.AnthropicInboundStream inner) : IDialectStream
{
    public void OnChunk(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output) => inner.OnChunk(chunk, output);

    public void Complete(IBufferWriter<byte> output) => inner.Complete(output);

    public void Fail(GatewayError error, IBufferWriter<byte> output) =>
        inner.Fail(Api.Anthropic.AnthropicInboundResponse.ErrorTypeForStatus(error.Status), error.Message, output);
}

internal sealed class ResponsesDialectStream(Api.Responses.ResponsesInboundStream inner) : IDialectStream
{
    public Api.Responses.ResponsesInboundStream Inner => inner;

    public void OnChunk(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output) => inner.OnChunk(chunk, output);

    public void Complete(IBufferWriter<byte> output) => inner.Complete(output);

    public void Fail(GatewayError error, IBufferWriter<byte> output) => inner.Fail(error.Code ?? error.Type, error.Message, output);
}
