using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Tollgate.Api.Dialects;
using Tollgate.Inference;
using Tollgate.Providers.OpenAICompatible;

namespace Tollgate.Api.Anthropic;

/// <summary>
/// Turns one OpenAI chat completion stream into the exact Anthropic Messages event stream, chunk by chunk.
/// </summary>
/// <remarks>
/// <code>
///   OpenAI chunk                                   Anthropic events
///   ────────────                                   ────────────────
///   first chunk ─────────────────────────────────► message_start (empty content), ping
///   delta.reasoning_content / reasoning ─────────► [content_block_start thinking] content_block_delta thinking_delta
///   delta.content (string or Databricks parts) ──► [content_block_start text] content_block_delta text_delta
///   delta.tool_calls[k] with id and name ────────► content_block_start tool_use {id, name, input {}}
///   delta.tool_calls[k].function.arguments ──────► content_block_delta input_json_delta
///   finish_reason, usage ────────────────────────► remembered
///   Complete (after [DONE] or EOF) ──────────────► content_block_stop, message_delta (stop_reason, usage), message_stop
///   Fail, or an {"error":...} chunk ─────────────► error
/// </code>
/// A change of block kind, or a new tool call, closes the open block first: Anthropic streams one block at a time,
/// indexed densely from 0. Deltas are copied as the escaped bytes the upstream sent; no string is built per delta.
/// Each frame is complete (<c>event: name\ndata: json\n\n</c>), so the caller may flush after any call.
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "A Utf8JsonWriter over an IBufferWriter holds no resources: Dispose only flushes, and every frame is flushed.")]
internal sealed class AnthropicInboundStream : OpenAIChunkSink
{
    private readonly string _model;
    private readonly List<StreamedToolCall> _tools = [];
    private Utf8JsonWriter? _writer;
    private bool _started;
    private bool _calledTools;
    private int _nextBlockIndex;
    private InboundBlockKind _openKind;
    private int _openIndex;

    public AnthropicInboundStream(string model)
    {
        _model = model;
    }

    /// <summary>The Anthropic message id, derived from the first chunk's id; null before message_start.</summary>
    public string? MessageId { get; private set; }

    /// <summary>Whether message_stop was written.</summary>
    public bool Completed { get; private set; }

    protected override string UpstreamErrorCode => "api_error";

    public override void Fail(GatewayError error, IBufferWriter<byte> output) =>
        Fail(AnthropicInboundResponse.ErrorTypeForStatus(error.Status), error.Message, output);

    protected override void OnContent(OpenAIChunkReader parsed, ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        if (!_started)
        {
            // Azure OpenAI leads with a chunk of prompt filter results: no id, no choices. Starting on it would lose
            // the real id that the next chunk brings.
            if (!OpenAIChunkReader.IsNonEmpty(parsed.Id) && parsed.Reasoning.IsEmpty && parsed.Content.IsEmpty && parsed.ToolCalls.IsEmpty
                && !parsed.HasUsage && !OpenAIChunkReader.IsNonEmpty(parsed.FinishReason))
            {
                return;
            }

            Start(DecodeString(chunk, parsed.Id), output);
            WritePing(output);
        }

        // Anthropic streams thinking before the text it leads to, so reasoning fields go first within a chunk.
        foreach (var segment in parsed.Reasoning)
        {
            WriteSegment(segment, chunk, output);
        }

        foreach (var segment in parsed.Content)
        {
            WriteSegment(segment, chunk, output);
        }

        foreach (var call in parsed.ToolCalls)
        {
            OnToolCall(call, chunk, output);
        }
    }

    /// <summary>
    /// Ends the message: closes the open block and writes message_delta with the stop reason and cumulative usage,
    /// then message_stop. Does nothing after <see cref="Complete"/> or <see cref="Fail"/>.
    /// </summary>
    public override void Complete(IBufferWriter<byte> output)
    {
        if (Finished)
        {
            return;
        }

        Finished = true;

        // An upstream that sent nothing still gets a well-formed, empty message rather than a stream SDKs reject.
        if (!_started)
        {
            Start(null, output);
        }

        // A tool call whose name never arrived still happened; the client sees it rather than losing its arguments.
        foreach (var tool in _tools)
        {
            if (tool.BlockIndex < 0)
            {
                StartToolBlock(tool, output);
            }
        }

        CloseBlock(output);

        var writer = BeginEvent("message_delta"u8, output);
        writer.WriteStartObject("delta"u8);
        writer.WriteString("stop_reason"u8, AnthropicStopReason.FromFinishReason(FinishReason, _calledTools));
        writer.WriteNull("stop_sequence"u8);
        writer.WriteEndObject();
        InboundUsage.Write(Usage.PromptTokens, Usage.CompletionTokens, Usage.CachedTokens, writer);
        EndEvent(writer, output);

        writer = BeginEvent("message_stop"u8, output);
        EndEvent(writer, output);
        Completed = true;
    }

    /// <summary>Ends the stream with an <c>error</c> event; <paramref name="type"/> is an Anthropic error type.</summary>
    public override void Fail(string type, string message, IBufferWriter<byte> output)
    {
        if (Finished)
        {
            return;
        }

        Finished = true;
        Failed = true;

        // Anthropic sends no stops before an error: the SDKs raise on the event and discard the partial message.
        var writer = BeginFrame("error"u8, output);
        AnthropicInboundResponse.WriteErrorObject(type, message, writer);
        EndFrame(writer, output);
    }

    /// <summary>A keep-alive. SDKs skip pings wherever they come, even before message_start.</summary>
    public void Ping(IBufferWriter<byte> output)
    {
        if (!Finished)
        {
            WritePing(output);
        }
    }

    private void Start(string? chatId, IBufferWriter<byte> output)
    {
        _started = true;
        MessageId = AnthropicMessageId.FromChatId(chatId);

        var writer = BeginEvent("message_start"u8, output);
        writer.WriteStartObject("message"u8);
        writer.WriteString("id"u8, MessageId);
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("model"u8, _model);
        writer.WriteStartArray("content"u8);
        writer.WriteEndArray();
        writer.WriteNull("stop_reason"u8);
        writer.WriteNull("stop_sequence"u8);

        // OpenAI reports usage only at the end, Databricks from the first chunk on; what is known now is sent now,
        // and message_delta carries the final counts either way.
        InboundUsage.Write(Usage.PromptTokens, 0, Usage.CachedTokens, writer);
        writer.WriteEndObject();
        EndEvent(writer, output);
    }

    private void WritePing(IBufferWriter<byte> output)
    {
        var writer = BeginEvent("ping"u8, output);
        EndEvent(writer, output);
    }

    private void WriteSegment(ChunkSegment segment, ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        switch (segment.Kind)
        {
            case ChunkSegmentKind.Text:
                EnsureBlock(InboundBlockKind.Text, output);
                WriteDelta("text_delta"u8, "text"u8, chunk[segment.Text], output);
                break;

            case ChunkSegmentKind.Thinking:
                EnsureBlock(InboundBlockKind.Thinking, output);
                WriteDelta("thinking_delta"u8, "thinking"u8, chunk[segment.Text], output);
                break;

            default:
                // A signature belongs to the thinking block before it; Anthropic sends it just before the block stops.
                EnsureBlock(InboundBlockKind.Thinking, output);
                WriteDelta("signature_delta"u8, "signature"u8, chunk[segment.Text], output);
                break;
        }
    }

    private void OnToolCall(ChunkToolCall call, ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        var tool = StreamedToolCalls.ContinuedOrAdded(_tools, call, chunk, static index => new StreamedToolCall(index));
        var hasArguments = OpenAIChunkReader.IsNonEmpty(call.Arguments);
        if (tool.BlockIndex >= 0)
        {
            // Providers that repeat the id and name on every fragment are ignored after the first. A fragment for a
            // call whose block was closed (an upstream interleaving calls) still goes to that call's index, which is
            // where Anthropic's SDKs accumulate it.
            if (hasArguments)
            {
                WriteDelta(tool.BlockIndex, "input_json_delta"u8, "partial_json"u8, chunk[call.Arguments], output);
            }

            return;
        }

        StreamedToolCalls.TakeIdentity(tool, call, chunk);

        if (hasArguments)
        {
            if (tool.PendingArguments is null)
            {
                tool.PendingArguments = new ArrayBufferWriter<byte>();
                tool.PendingArguments.Write("\""u8);
            }

            tool.PendingArguments.Write(chunk[call.Arguments][1..^1]);
        }

        // Anthropic's content_block_start carries the name, so a block waits for it; every upstream seen sends the
        // name in a call's first fragment, which makes the wait zero in practice.
        if (tool.Name is not null)
        {
            StartToolBlock(tool, output);
        }
    }

    private void StartToolBlock(StreamedToolCall tool, IBufferWriter<byte> output)
    {
        CloseBlock(output);
        tool.BlockIndex = _nextBlockIndex++;
        _openKind = InboundBlockKind.ToolUse;
        _openIndex = tool.BlockIndex;
        _calledTools = true;

        var writer = BeginEvent("content_block_start"u8, output);
        writer.WriteNumber("index"u8, tool.BlockIndex);
        writer.WriteStartObject("content_block"u8);
        writer.WriteString("type"u8, "tool_use"u8);
        writer.WritePropertyName("id"u8);
        if (tool.CallId is not null)
        {
            writer.WriteRawValue(tool.CallId, skipInputValidation: true);
        }
        else
        {
            // The client must echo an id back in its tool_result; an upstream that sent none still needs one.
            writer.WriteStringValue(AnthropicMessageId.NewToolUseId());
        }

        writer.WritePropertyName("name"u8);
        if (tool.Name is not null)
        {
            writer.WriteRawValue(tool.Name, skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(""u8);
        }

        writer.WriteStartObject("input"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        EndEvent(writer, output);

        if (tool.PendingArguments is { } pending)
        {
            pending.Write("\""u8);
            WriteDelta(tool.BlockIndex, "input_json_delta"u8, "partial_json"u8, pending.WrittenSpan, output);
            tool.PendingArguments = null;
        }
    }

    /// <summary>Opens a text or thinking block unless one of that kind is already open.</summary>
    private void EnsureBlock(InboundBlockKind kind, IBufferWriter<byte> output)
    {
        if (_openKind == kind)
        {
            return;
        }

        CloseBlock(output);
        _openKind = kind;
        _openIndex = _nextBlockIndex++;

        var writer = BeginEvent("content_block_start"u8, output);
        writer.WriteNumber("index"u8, _openIndex);
        writer.WriteStartObject("content_block"u8);
        if (kind == InboundBlockKind.Text)
        {
            writer.WriteString("type"u8, "text"u8);
            writer.WriteString("text"u8, ""u8);
        }
        else
        {
            // Anthropic's SDKs type the signature as a required string; it stays "" unless a signature_delta follows.
            writer.WriteString("type"u8, "thinking"u8);
            writer.WriteString("thinking"u8, ""u8);
            writer.WriteString("signature"u8, ""u8);
        }

        writer.WriteEndObject();
        EndEvent(writer, output);
    }

    private void CloseBlock(IBufferWriter<byte> output)
    {
        if (_openKind == InboundBlockKind.None)
        {
            return;
        }

        var writer = BeginEvent("content_block_stop"u8, output);
        writer.WriteNumber("index"u8, _openIndex);
        EndEvent(writer, output);
        _openKind = InboundBlockKind.None;
    }

    private void WriteDelta(ReadOnlySpan<byte> deltaType, ReadOnlySpan<byte> field, ReadOnlySpan<byte> rawString, IBufferWriter<byte> output) =>
        WriteDelta(_openIndex, deltaType, field, rawString, output);

    /// <summary>Writes a content_block_delta whose value is copied raw: a JSON string the reader already validated.</summary>
    /// <remarks>
    /// The most frequent event of a stream, so its frame is copied together from fixed parts rather than going through
    /// the JSON writer: the same bytes the writer would produce (no indentation; every part but the value is ASCII that
    /// needs no escaping, and the value is already a JSON string).
    /// </remarks>
    private static void WriteDelta(int index, ReadOnlySpan<byte> deltaType, ReadOnlySpan<byte> field, ReadOnlySpan<byte> rawString, IBufferWriter<byte> output)
    {
        ReadOnlySpan<byte> head = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":"u8;
        ReadOnlySpan<byte> delta = ",\"delta\":{\"type\":\""u8;
        ReadOnlySpan<byte> tail = "}}\n\n"u8;
        var length = head.Length + 11 + delta.Length + deltaType.Length + 3 + field.Length + 2 + rawString.Length + tail.Length;
        var span = output.GetSpan(length);
        head.CopyTo(span);
        var at = head.Length;
        Utf8Formatter.TryFormat(index, span[at..], out var digits);
        at += digits;
        delta.CopyTo(span[at..]);
        at += delta.Length;
        deltaType.CopyTo(span[at..]);
        at += deltaType.Length;
        "\",\""u8.CopyTo(span[at..]);
        at += 3;
        field.CopyTo(span[at..]);
        at += field.Length;
        "\":"u8.CopyTo(span[at..]);
        at += 2;
        rawString.CopyTo(span[at..]);
        at += rawString.Length;
        tail.CopyTo(span[at..]);
        output.Advance(at + tail.Length);
    }

    /// <summary>
    /// Writes <c>event: name\ndata: </c> and opens the event's object with its <c>type</c>, which in Anthropic's
    /// stream always repeats the event name.
    /// </summary>
    private Utf8JsonWriter BeginEvent(ReadOnlySpan<byte> name, IBufferWriter<byte> output)
    {
        var writer = BeginFrame(name, output);
        writer.WriteStartObject();
        writer.WriteString("type"u8, name);
        return writer;
    }

    private static void EndEvent(Utf8JsonWriter writer, IBufferWriter<byte> output)
    {
        writer.WriteEndObject();
        EndFrame(writer, output);
    }

    private Utf8JsonWriter BeginFrame(ReadOnlySpan<byte> name, IBufferWriter<byte> output)
    {
        output.Write("event: "u8);
        output.Write(name);
        output.Write("\ndata: "u8);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, JsonOutput.WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        return _writer;
    }

    private static void EndFrame(Utf8JsonWriter writer, IBufferWriter<byte> output)
    {
        writer.Flush();
        output.Write("\n\n"u8);
    }

    /// <summary>Unescapes a string the chunk reader found (ids and finish reasons: a few per stream).</summary>
    private static string? DecodeString(ReadOnlySpan<byte> chunk, Range range)
    {
        if (!OpenAIChunkReader.IsPresent(range))
        {
            return null;
        }

        var reader = new Utf8JsonReader(chunk[range]);
        reader.Read();
        return reader.GetString();
    }
}
