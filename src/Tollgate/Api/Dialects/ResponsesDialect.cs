using System.Buffers;
using System.Text;
using System.Text.Json;
using Tollgate.Api.Responses;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Providers;
using Tollgate.Providers.OpenAICompatible;
using Tollgate.Storage;
using Tollgate.Streaming;

namespace Tollgate.Api.Dialects;

/// <summary>
/// OpenAI's Responses API on <c>/v1/responses</c>: passed through to OpenAI itself (hosted tools, OpenAI-kept
/// conversations), translated to chat for every other upstream. A translated conversation is kept in the gateway's
/// store for <c>previous_response_id</c>.
/// </summary>
internal sealed class ResponsesDialect(IGatewayStore store, GatewayConfigMonitor config, TimeProvider time) : IClientDialect
{
    public bool TranslatesAnswer => true;

    public string EndpointName(InferenceOperation operation) => "responses";

    public async ValueTask<DialectRequest> TranslateAsync(PooledBufferWriter body, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.WrittenMemory.ToArray());
        }
        catch (JsonException)
        {
            return DialectRequest.Failed(GatewayError.BadRequest("The request body is not valid JSON."));
        }

        string? previousId;
        try
        {
            previousId = ResponsesInboundRequest.ReadPreviousResponseId(document.RootElement);
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            document.Dispose();
            return DialectRequest.Failed(GatewayError.BadRequest("'previous_response_id' is not valid Unicode text.", "previous_response_id"));
        }

        var previous = previousId is null ? null : await LoadAsync(previousId).ConfigureAwait(false);

        // An id Tollgate did not store may belong to OpenAI (a passthrough); whether that is an error is decided per
        // candidate provider (CheckCandidate), so translate as a fresh conversation for now.
        var previousMissing = previousId is not null && previous is null;
        if (previousMissing)
        {
            previous = "[]";
        }

        var translated = new PooledBufferWriter(body.WrittenCount + 1024);
        ResponsesError? error;
        ResponsesRequestInfo info;
        try
        {
            using var writer = new Utf8JsonWriter(translated, JsonWire.WriterOptions);
            error = ResponsesInboundRequest.WriteChatRequest(document.RootElement, previous, writer, out info);
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            translated.Dispose();
            document.Dispose();
            return DialectRequest.Failed(MalformedInput.Error(ex));
        }

        if (error is not null)
        {
            translated.Dispose();
            document.Dispose();
            return DialectRequest.Failed(GatewayError.BadRequest(error.Message, error.Param));
        }

        var chatJson = Encoding.UTF8.GetString(translated.WrittenSpan);
        var state = new ResponsesState(document, ResponsesIds.NewResponseId(), info.Store, chatJson)
        {
            PreviousResponseId = previousId,
            PreviousMissing = previousMissing,
        };
        return new DialectRequest(translated, body, state, null);
    }

    /// <summary>OpenAI serves the Responses API itself: pass it through so its own features and stored conversations work.</summary>
    public ProviderClient? PassthroughFor(ProviderRuntime provider, DialectRequest request) =>
        provider.Traits.Kind == ProviderKind.OpenAI && !provider.Config.Custom && request.Original is { WrittenCount: > 0 }
            ? OpenAIResponsesPassthroughClient.Instance
            : null;

    public GatewayError? CheckCandidate(InferenceCall call) =>
        !call.NativeDialect && State(call) is { PreviousMissing: true } state
            ? GatewayError.BadRequest($"Previous response with id '{state.PreviousResponseId}' not found.", "previous_response_id")
            : null;

    public void WriteAnswer(InferenceCall call, ReadOnlySpan<byte> openAIAnswer, IBufferWriter<byte> output)
    {
        var state = State(call);
        using var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions);
        ResponsesInboundResponse.WriteResponse(openAIAnswer, state.ResponseId, call.RequestedModel, state.Request, writer, time);
    }

    public ValueTask AnsweredAsync(InferenceCall call, ReadOnlyMemory<byte> openAIAnswer) =>
        SaveAsync(call, ResponsesInboundResponse.ConversationAfter(State(call).ChatRequestJson, openAIAnswer.Span));

    public IStreamSink? CreateStreamSink(InferenceCall call)
    {
        var state = State(call);
        return new ResponsesInboundStream(state.ResponseId, call.RequestedModel, state.Request, time);
    }

    public ValueTask StreamedAsync(InferenceCall call, IStreamSink sink) =>
        SaveAsync(call, ((ResponsesInboundStream)sink).ConversationAfter(State(call).ChatRequestJson));

    public void WriteError(GatewayError error, IBufferWriter<byte> output) => OpenAIErrorBody.Write(error, output);

    /// <summary>The Responses API's error event, for a passthrough stream from OpenAI.</summary>
    public void WriteStreamError(GatewayError error, IBufferWriter<byte> output)
    {
        output.Write("event: error\n"u8);
        output.Write(SseFrames.DataPrefix);
        using (var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteString("code", error.Code ?? error.Type);
            writer.WriteString("message", error.Message);
            writer.WriteNull("param");
            writer.WriteEndObject();
        }

        output.Write(SseFrames.EventEnd);
    }

    private static ResponsesState State(InferenceCall call) => (ResponsesState)call.DialectState!;

    private Task<string?> LoadAsync(string id) => store.LoadResponseAsync(id, time.GetUtcNow());

    private ValueTask SaveAsync(InferenceCall call, string conversationJson)
    {
        var retentionDays = config.Current.Client.ResponseRetentionDays;
        if (!State(call).Store || retentionDays <= 0)
        {
            return default;
        }

        var id = State(call).ResponseId;
        var now = time.GetUtcNow();
        return new ValueTask(store.SaveResponseAsync(id, conversationJson, now.AddDays(retentionDays), now));
    }
}
