using System.Buffers;
using System.Text.Json;
using Tollgate.Api.Anthropic;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Providers;
using Tollgate.Providers.Anthropic;
using Tollgate.Streaming;

namespace Tollgate.Api.Dialects;

/// <summary>
/// Anthropic's Messages API on <c>/anthropic/v1/messages</c>: translated to OpenAI chat on the way in and back on the
/// way out (JSON and the exact event stream), or passed through untouched to an Anthropic provider. Errors use
/// Anthropic's shape, as its SDKs expect.
/// </summary>
internal sealed class AnthropicDialect : IClientDialect
{
    public static readonly AnthropicDialect Instance = new();

    private AnthropicDialect()
    {
    }

    public bool TranslatesAnswer => true;

    public string EndpointName(InferenceOperation operation) => "messages";

    public ValueTask<DialectRequest> TranslateAsync(PooledBufferWriter body, CancellationToken cancellationToken)
    {
        var translated = new PooledBufferWriter(body.WrittenCount + 512);
        try
        {
            using var document = JsonDocument.Parse(body.WrittenMemory);
            using var writer = new Utf8JsonWriter(translated, JsonWire.WriterOptions);
            var error = AnthropicInboundRequest.WriteChatRequest(document.RootElement, writer, out _);
            writer.Flush();
            if (error is not null)
            {
                translated.Dispose();
                return new(DialectRequest.Failed(GatewayError.BadRequest(error.Message, error.Param)));
            }

            // The original stays for a passthrough to an Anthropic provider.
            return new(new DialectRequest(translated, body, null, null));
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            translated.Dispose();
            return new(DialectRequest.Failed(MalformedInput.Error(ex)));
        }
    }

    public ProviderClient? PassthroughFor(ProviderRuntime provider, DialectRequest request) =>
        provider.Traits.Family == ProviderFamily.Anthropic && request.Original is { WrittenCount: > 0 } ? AnthropicPassthroughClient.Instance : null;

    public GatewayError? CheckCandidate(InferenceCall call) => null;

    public void WriteAnswer(InferenceCall call, ReadOnlySpan<byte> openAIAnswer, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions);
        AnthropicInboundResponse.WriteMessage(openAIAnswer, call.RequestedModel, writer);
    }

    public ValueTask AnsweredAsync(InferenceCall call, ReadOnlyMemory<byte> openAIAnswer) => default;

    public IStreamSink? CreateStreamSink(InferenceCall call) => new AnthropicInboundStream(call.RequestedModel);

    public ValueTask StreamedAsync(InferenceCall call, IStreamSink sink) => default;

    public void WriteError(GatewayError error, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions);
        AnthropicInboundResponse.WriteError(error.Status, error.Message, writer);
    }

    public void WriteStreamError(GatewayError error, IBufferWriter<byte> output)
    {
        output.Write("event: error\n"u8);
        output.Write(SseFrames.DataPrefix);
        WriteError(error, output);
        output.Write(SseFrames.EventEnd);
    }
}
