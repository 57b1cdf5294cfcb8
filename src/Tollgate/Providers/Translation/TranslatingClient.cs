using System.Buffers;
using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Streaming;

namespace Tollgate.Providers.Translation;

/// <summary>
/// A wire client for a provider with its own request and answer formats: the OpenAI body is read once into a
/// <see cref="ChatRequest"/> (or <see cref="EmbeddingRequest"/>) and rewritten, and every answer is rebuilt in OpenAI's
/// shape. Chat and embeddings only.
/// </summary>
internal abstract class TranslatingClient : ProviderClient
{
    protected abstract string FamilyName { get; }

    protected virtual bool SupportsEmbeddings => true;

    public override GatewayError? CheckSupported(ProviderRuntime provider, InferenceOperation operation) => operation switch
    {
        InferenceOperation.ChatCompletions => null,
        InferenceOperation.Embeddings when SupportsEmbeddings => null,
        _ => GatewayError.BadRequest($"Provider '{provider.Name}' ({FamilyName}) serves chat completions{(SupportsEmbeddings ? " and embeddings" : string.Empty)} only.",
            "model", "unsupported_operation"),
    };

    public sealed override GatewayError? WriteBody(IUpstreamCall call, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions);
        if (call.Operation == InferenceOperation.Embeddings)
        {
            var embeddingError = EmbeddingRequest.TryRead(call.Body, out var embedding);
            return embeddingError ?? WriteEmbeddingBody(call, embedding, writer);
        }

        var error = ChatRequest.TryRead(call.Body, out var chat);
        return error ?? WriteChatBody(call, chat, writer);
    }

    protected abstract GatewayError? WriteChatBody(IUpstreamCall call, ChatRequest request, Utf8JsonWriter writer);

    protected virtual GatewayError? WriteEmbeddingBody(IUpstreamCall call, EmbeddingRequest request, Utf8JsonWriter writer) =>
        GatewayError.BadRequest("Embeddings are not supported by this provider.", "model", "unsupported_operation");

    public sealed override bool TransformsResponse(IUpstreamCall call) => true;

    public sealed override TokenUsage WriteResponse(IUpstreamCall call, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output)
    {
        using var document = JsonDocument.Parse(upstreamBody.ToArray());
        using var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions);
        if (call.Operation == InferenceOperation.Embeddings)
        {
            return WriteEmbeddingAnswer(call, document.RootElement, writer);
        }

        var answer = ReadChatAnswer(document.RootElement);
        answer.Write(writer, call.Model, call.Created);
        return answer.Usage;
    }

    protected abstract ChatAnswer ReadChatAnswer(JsonElement body);

    protected virtual TokenUsage WriteEmbeddingAnswer(IUpstreamCall call, JsonElement body, Utf8JsonWriter writer) => default;

    public abstract override IStreamTranslator CreateStreamTranslator(IUpstreamCall call);
}
