using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Turns one Anthropic Messages stream into OpenAI <c>chat.completion.chunk</c> frames, event by event.
/// </summary>
/// <remarks>
/// <code>
///   Anthropic event                         OpenAI chunk delta
///   ───────────────                         ──────────────────
///   message_start ────────────────────────► {"role":"assistant","content":""}
///   content_block_start (tool_use) ───────► {"tool_calls":[{"index":k,"id","type":"function","function":{"name","arguments":""}}]}
///   content_block_delta text_delta ───────► {"content":text}
///   content_block_delta input_json_delta ─► {"tool_calls":[{"index":k,"function":{"arguments":partial_json}}]}
///   content_block_delta thinking_delta ───► {"reasoning_content":thinking}
///   message_delta (stop_reason) ──────────► {} with finish_reason
///   message_stop, error ──────────────────► nothing; Completed / ErrorType for the caller
///   ping, content_block_stop, signature ──► nothing
/// </code>
/// k counts tool_use blocks from 0, because OpenAI clients index tool_calls densely while Anthropic's block index
/// also counts text and thinking blocks. The caller writes the usage chunk and <c>[DONE]</c>.
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "A Utf8JsonWriter over an IBufferWriter holds no resources: Dispose only flushes, and every frame is flushed.")]
internal sealed class AnthropicStreamTranslator
{
    // Upstream text is copied byte for byte; relaxed escaping keeps what this class encodes itself (ids, the model
    // name) in the same plain UTF-8 that OpenAI streams.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonEncodedText _model;
    private readonly long _created;
    private JsonEncodedText _id;
    private Utf8JsonWriter? _writer;

    // Anthropic block index → OpenAI tool_calls index, for tool_use blocks only.
    private Dictionary<int, int>? _toolIndexByBlock;
    private int _inputTokens;
    private int _outputTokens;
    private int _cacheReadTokens;
    private int _cacheCreationTokens;

    public AnthropicStreamTranslator(string responseModel, long created)
    {
        _model = JsonEncodedText.Encode(responseModel, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        _created = created;
        _id = JsonEncodedText.Encode(Id, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
    }

    /// <summary>Input from message_start (cumulative message_delta counts override it), output from the latest event.</summary>
    public TokenUsage Usage => new(
        _inputTokens + _cacheReadTokens + _cacheCreationTokens, _outputTokens, _cacheReadTokens, _cacheCreationTokens);

    /// <summary>The chunk id: Anthropic's message id from message_start; empty before it.</summary>
    public string Id { get; private set; } = "";

    /// <summary>Whether message_stop arrived; a stream that ends without it was cut off.</summary>
    public bool Completed { get; private set; }

    /// <summary>
    /// <c>error.type</c> of an upstream <c>error</c> event (e.g. <c>overloaded_error</c>), or <c>invalid_upstream_event</c>
    /// when an event's data was not a JSON object: either way the stream is broken for the client.
    /// </summary>
    public string? ErrorType { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>
    /// Translates one upstream SSE event, appending zero or more complete <c>data: {json}\n\n</c> frames to
    /// <paramref name="output"/>. The JSON <c>type</c> decides what the event is; <paramref name="eventName"/> is
    /// used only when the data has no type.
    /// </summary>
    public void OnEvent(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (!AnthropicStreamEvent.TryParse(data, out var e))
        {
            ErrorType = "invalid_upstream_event";
            ErrorMessage = "The upstream sent an event whose data is not a JSON object.";
            return;
        }

        var type = e.Type == AnthropicEventType.None ? AnthropicStreamEvent.ClassifyEvent(eventName) : e.Type;
        switch (type)
        {
            case AnthropicEventType.MessageStart:
                if (e.MessageId is not null)
                {
                    Id = e.MessageId;
                    _id = JsonEncodedText.Encode(Id, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
                }

                UpdateUsage(e);
                WriteRoleChunk(output);
                break;

            case AnthropicEventType.ContentBlockStart:
                OnContentBlockStart(e, data, output);
                break;

            case AnthropicEventType.ContentBlockDelta:
                OnContentBlockDelta(e, data, output);
                break;

            case AnthropicEventType.MessageDelta:
                UpdateUsage(e);

                // A message_delta without a stop reason carries only usage, which the caller reports itself.
                if (AnthropicStreamEvent.IsNonEmpty(e.StopReason))
                {
                    var finishReason = AnthropicFinishReason.FromStopReason(data[e.StopReason][1..^1]);
                    EndChunk(BeginChunk(output), output, finishReason);
                }

                break;

            case AnthropicEventType.MessageStop:
                Completed = true;
                break;

            case AnthropicEventType.Error:
                ErrorType = e.ErrorType ?? "api_error";
                ErrorMessage = e.ErrorMessage;
                break;

            default:
                // ping, content_block_stop and event types added after this was written.
                break;
        }
    }

    private void OnContentBlockStart(in AnthropicStreamEvent e, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        switch (e.BlockKind)
        {
            case AnthropicContentKind.ToolUse:
                _toolIndexByBlock ??= [];
                var toolIndex = _toolIndexByBlock.Count;
                _toolIndexByBlock[e.Index] = toolIndex;

                var writer = BeginChunk(output);
                writer.WriteStartArray("tool_calls"u8);
                writer.WriteStartObject();
                writer.WriteNumber("index"u8, toolIndex);
                WriteRawString(writer, "id"u8, data, e.BlockId);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                WriteRawString(writer, "name"u8, data, e.BlockName);
                writer.WriteString("arguments"u8, ""u8);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndArray();
                EndChunk(writer, output, null);
                break;

            // Anthropic starts text and thinking blocks empty today; should one ever start with text, it is not lost.
            case AnthropicContentKind.Text when AnthropicStreamEvent.IsNonEmpty(e.BlockText):
                WriteTextChunk("content"u8, data, e.BlockText, output);
                break;

            case AnthropicContentKind.Thinking when AnthropicStreamEvent.IsNonEmpty(e.BlockText):
                WriteTextChunk("reasoning_content"u8, data, e.BlockText, output);
                break;

            default:
                break;
        }
    }

    private void OnContentBlockDelta(in AnthropicStreamEvent e, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        // Anthropic opens tool input with an empty fragment; empty deltas carry nothing for the client.
        if (!AnthropicStreamEvent.IsNonEmpty(e.DeltaText))
        {
            return;
        }

        switch (e.DeltaKind)
        {
            case AnthropicContentKind.Text:
                WriteTextChunk("content"u8, data, e.DeltaText, output);
                break;

            case AnthropicContentKind.Thinking:
                WriteTextChunk("reasoning_content"u8, data, e.DeltaText, output);
                break;

            // Input for a block that never started as tool_use (a server tool) has no OpenAI tool call to extend.
            case AnthropicContentKind.ToolUse when _toolIndexByBlock is not null && _toolIndexByBlock.TryGetValue(e.Index, out var toolIndex):
                var writer = BeginChunk(output);
                writer.WriteStartArray("tool_calls"u8);
                writer.WriteStartObject();
                writer.WriteNumber("index"u8, toolIndex);
                writer.WriteStartObject("function"u8);

                // partial_json and arguments are both JSON strings holding the same text: the escaped bytes carry over.
                WriteRawString(writer, "arguments"u8, data, e.DeltaText);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndArray();
                EndChunk(writer, output, null);
                break;

            default:
                break;
        }
    }

    private void UpdateUsage(in AnthropicStreamEvent e)
    {
        // message_delta counts are cumulative, so the latest value of each wins.
        _inputTokens = e.InputTokens ?? _inputTokens;
        _outputTokens = e.OutputTokens ?? _outputTokens;
        _cacheReadTokens = e.CacheReadTokens ?? _cacheReadTokens;
        _cacheCreationTokens = e.CacheCreationTokens ?? _cacheCreationTokens;
    }

    private void WriteRoleChunk(IBufferWriter<byte> output)
    {
        var writer = BeginChunk(output);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("content"u8, ""u8);
        EndChunk(writer, output, null);
    }

    private void WriteTextChunk(ReadOnlySpan<byte> field, ReadOnlySpan<byte> data, Range text, IBufferWriter<byte> output)
    {
        var writer = BeginChunk(output);
        WriteRawString(writer, field, data, text);
        EndChunk(writer, output, null);
    }

    /// <summary>Writes <c>data: </c> and the chunk up to the open delta object.</summary>
    private Utf8JsonWriter BeginChunk(IBufferWriter<byte> output)
    {
        output.Write("data: "u8);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        var writer = _writer;
        writer.WriteStartObject();
        writer.WriteString("id"u8, _id);
        writer.WriteString("object"u8, "chat.completion.chunk"u8);
        writer.WriteNumber("created"u8, _created);
        writer.WriteString("model"u8, _model);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("delta"u8);
        return writer;
    }

    private static void EndChunk(Utf8JsonWriter writer, IBufferWriter<byte> output, string? finishReason)
    {
        writer.WriteEndObject();
        if (finishReason is null)
        {
            writer.WriteNull("finish_reason"u8);
        }
        else
        {
            writer.WriteString("finish_reason"u8, finishReason);
        }

        writer.WriteNull("logprobs"u8);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n\n"u8);
    }

    /// <summary>Copies a string the reader validated, escapes and all, so nothing is unescaped or re-encoded.</summary>
    private static void WriteRawString(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ReadOnlySpan<byte> data, Range value)
    {
        writer.WritePropertyName(name);
        if (AnthropicStreamEvent.IsPresent(value))
        {
            writer.WriteRawValue(data[value], skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(""u8);
        }
    }
}
