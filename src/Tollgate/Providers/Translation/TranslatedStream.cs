using System.Buffers;
using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Streaming;

namespace Tollgate.Providers.Translation;

/// <summary>
/// The relay's side of a stream whose events are rebuilt as OpenAI chunks: the subclass parses each event once and
/// writes through <see cref="Chunks"/>; usage, completion and mid-stream errors are kept here.
/// </summary>
internal abstract class TranslatedStream(string model, long created, string provider) : IStreamTranslator
{
    protected ChunkWriter Chunks { get; } = new(model, created);

    public TokenUsage Usage { get; protected set; }

    public bool Completed { get; protected set; }

    public bool UsageChunkWritten => false;

    public GatewayError? Error { get; private set; }

    public ChunkIdentity? Identity => Chunks.Id.Length == 0 ? null : ChunkIdentity.Create(Chunks.Id, created, model);

    public int ContentChunks => Chunks.ContentChunks;

    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (data.IsEmpty || Error is not null)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            OnEvent(eventName, document.RootElement, output);
        }
        catch (JsonException)
        {
            Fail(StatusCodes.Status502BadGateway, "invalid_upstream_event", "an event whose data is not JSON");
        }
    }

    protected abstract void OnEvent(ReadOnlySpan<byte> eventName, JsonElement data, IBufferWriter<byte> output);

    /// <summary>Ends the stream with an error the upstream reported (or a broken event).</summary>
    protected void Fail(int status, string? code, string? detail) =>
        Error = new GatewayError(status, $"Upstream provider '{provider}' reported an error mid-stream: {detail}", ErrorTypes.Upstream, code);
}
