using System.Buffers;
using Tollgate.Inference;
using Tollgate.Providers;
using Tollgate.Streaming;

namespace Tollgate.Providers.OpenAICompatible;

/// <summary>
/// Relays OpenAI-dialect chunks unchanged, reading usage where it appears: OpenAI's final usage chunk, or the running
/// totals Databricks puts on every chunk (the last one wins). A usage-only chunk the client did not ask for is dropped,
/// since the gateway may have asked for it only to know the cost.
/// </summary>
internal sealed class OpenAIStreamPassthrough(bool clientWantsUsage, string provider) : IStreamTranslator
{
    private static ReadOnlySpan<byte> DoneMarker => "[DONE]"u8;

    private static ReadOnlySpan<byte> ErrorStart => "{\"error\""u8;

    private static ReadOnlySpan<byte> EmptyChoices => "\"choices\":[]"u8;

    private TokenUsage _usage;
    private IStreamSink? _sink;

    /// <summary>What the upstream reported; when a sink is fed, the sink read it from the one parse of each chunk.</summary>
    public TokenUsage Usage => _sink?.Usage ?? _usage;

    public bool Completed { get; private set; }

    public bool UsageChunkWritten { get; private set; }

    public GatewayError? Error { get; private set; }

    public ChunkIdentity? Identity { get; private set; }

    public int ContentChunks { get; private set; }

    public bool TryFeed(IStreamSink sink)
    {
        _sink = sink;
        return true;
    }

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (data.SequenceEqual(DoneMarker))
        {
            Completed = true;
            return;
        }

        if (data.StartsWith(ErrorStart) || eventName.SequenceEqual("error"u8))
        {
            Error = UpstreamErrorReader.Read(StatusCodes.Status502BadGateway, data, provider, null);
            return;
        }

        if (_sink is not null)
        {
            // The sink's reader takes usage, ids and Databricks' running totals from its own (only) parse of the chunk.
            if (data.IndexOf(EmptyChoices) < 0)
            {
                ContentChunks++;
            }

            _sink.OnChunk(data, output);
            return;
        }

        if (Identity is null && ChunkIdentity.TryRead(data) is { Id.Length: > 0 } identity)
        {
            Identity = identity;
        }

        if (UsageReader.MayContainUsage(data) && UsageReader.TryRead(data, out var usage, out var emptyChoices))
        {
            _usage = usage;
            if (emptyChoices)
            {
                if (!clientWantsUsage)
                {
                    return;
                }

                UsageChunkWritten = true;
            }
            else
            {
                // Databricks puts running totals on every chunk; OpenAI clients expect usage only in the final
                // usage chunk, which the relay sends if the client asked for it.
                output.Write(SseFrames.DataPrefix);
                BodyRewriter.WriteWithout(data, JsonFields.Usage.EncodedUtf8Bytes, output);
                output.Write(SseFrames.EventEnd);
                ContentChunks++;
                return;
            }
        }
        else if (data.IndexOf(EmptyChoices) >= 0)
        {
            // A chunk with no choices and no usage carries nothing an OpenAI client can use (Azure's leading
            // prompt_filter_results chunk); dropping it keeps the stream OpenAI-shaped.
            return;
        }

        ContentChunks++;
        SseFrames.WriteData(data, output);
    }
}
