using System.Buffers;
using Tollgate.Inference;

namespace Tollgate.Streaming;

/// <summary>
/// Relays a stream the upstream already writes in the client's dialect (Anthropic to Anthropic, Responses to OpenAI's
/// Responses) event by event, unchanged; the dialect's wire format says which events carry content, usage and the end.
/// </summary>
internal sealed class PassthroughStream(IPassthroughEvents events) : IStreamTranslator
{
    public TokenUsage Usage { get; private set; }

    public bool Completed { get; private set; }

    public bool UsageChunkWritten => true;

    public GatewayError? Error => null;

    public ChunkIdentity? Identity => null;

    public int ContentChunks { get; private set; }

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (eventName.Length > 0)
        {
            output.Write("event: "u8);
            output.Write(eventName);
            output.Write("\n"u8);
        }

        SseFrames.WriteData(data, output);
        switch (events.Classify(eventName))
        {
            case PassthroughEvent.Content:
                ContentChunks++;
                break;
            case PassthroughEvent.Usage:
                Usage = events.ReadUsage(data, Usage);
                break;
            case PassthroughEvent.Final:
                Usage = events.ReadUsage(data, Usage);
                Completed = true;
                break;
            case PassthroughEvent.End:
                Completed = true;
                break;
        }
    }
}
