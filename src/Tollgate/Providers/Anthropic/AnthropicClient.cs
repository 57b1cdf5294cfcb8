using System.Buffers;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Streaming;

namespace Tollgate.Providers.Anthropic;

/// <summary>Anthropic's native Messages API behind the OpenAI chat dialect: translated both ways, streaming included.</summary>
internal sealed class AnthropicClient : ProviderClient
{
    public const string ApiVersion = "2023-06-01";

    public static readonly AnthropicClient Instance = new();

    public override GatewayError? CheckSupported(ProviderRuntime provider, InferenceOperation operation) =>
        operation == InferenceOperation.ChatCompletions
            ? null
            : GatewayError.BadRequest($"Provider '{provider.Name}' (Anthropic) serves chat completions only.", "model", "unsupported_operation");

    public override GatewayError? WriteBody(IUpstreamCall call, IBufferWriter<byte> output)
    {
        using var document = JsonDocument.Parse(call.Body);
        using var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions);
        var error = AnthropicRequestWriter.Write(document.RootElement, call.Model, call.Sniff.Stream, writer);
        return error is null ? null : GatewayError.BadRequest(error.Message, error.Param);
    }

    public override Uri BuildUri(IUpstreamCall call, ProviderKeyConfig? key) => new($"{call.Provider.Config.BaseUrl}/v1/messages");

    public override void ApplyAuth(HttpRequestMessage request, ProviderRuntime provider, string? secret)
    {
        request.Headers.TryAddWithoutValidation("anthropic-version", ApiVersion);
        if (!string.IsNullOrEmpty(secret))
        {
            request.Headers.TryAddWithoutValidation("x-api-key", secret);
        }
    }

    public override bool TransformsResponse(IUpstreamCall call) => true;

    public override TokenUsage WriteResponse(IUpstreamCall call, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions);
        return AnthropicResponseReader.WriteChatCompletion(upstreamBody, call.Model, call.Created, writer);
    }

    public override IStreamTranslator CreateStreamTranslator(IUpstreamCall call) =>
        new AnthropicStreamAdapter(new AnthropicStreamTranslator(call.Model, call.Created), call.Model, call.Created, call.Provider.Name);

    /// <summary>Adapts the Anthropic event translator to the relay's contract.</summary>
    private sealed class AnthropicStreamAdapter(AnthropicStreamTranslator inner, string model, long created, string provider) : IStreamTranslator
    {
        private ChunkIdentity? _identity;

        public TokenUsage Usage => inner.Usage;

        public bool Completed => inner.Completed;

        public bool UsageChunkWritten => false;

        public int ContentChunks => 0;

        public GatewayError? Error => inner.ErrorType is null
            ? null
            : new GatewayError(inner.ErrorType == "overloaded_error" ? 529 : StatusCodes.Status502BadGateway,
                $"Upstream provider '{provider}' reported an error mid-stream: {inner.ErrorMessage}", ErrorTypes.Upstream, inner.ErrorType);

        public ChunkIdentity? Identity => _identity ??= string.IsNullOrEmpty(inner.Id) ? null : ChunkIdentity.Create(inner.Id, created, model);

        public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output) =>
            inner.OnEvent(eventName, data, output);
    }
}
