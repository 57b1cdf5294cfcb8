using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Tollgate.Api.Dialects;
using Tollgate.Inference;
using Tollgate.Providers.OpenAICompatible;

namespace Tollgate.Api.Responses;

/// <summary>
/// Turns one OpenAI chat completion stream into the Responses API's semantic event stream, chunk by chunk.
/// </summary>
/// <remarks>
/// <code>
///   OpenAI chunk                                   Responses events
///   ────────────                                   ────────────────
///   first chunk (or Start) ──────────────────────► response.created, response.in_progress (status in_progress, output [])
///   delta.content / refusal ─────────────────────► [response.output_item.added message, response.content_part.added]
///                                                  response.output_text.delta
///   delta.tool_calls[k] with a name ─────────────► response.output_item.added function_call {call_id, name, arguments ""}
///   delta.tool_calls[k].function.arguments ──────► response.function_call_arguments.delta
///   reasoning_content / reasoning ───────────────► dropped (no reasoning items; see CompletedAnswer)
///   finish_reason, usage ────────────────────────► remembered
///   Complete (after [DONE] or EOF) ──────────────► closes the open item, then response.completed, or
///                                                  response.incomplete for finish_reason length / content_filter
///   Fail, or an {"error":...} chunk ─────────────► error, response.failed
/// </code>
/// Closing an item writes, for a message, response.output_text.done, response.content_part.done and
/// response.output_item.done; for a function call, response.function_call_arguments.done and response.output_item.done.
/// Items stream one at a time, as OpenAI streams them: a new item closes the open one. SDKs place items by
/// output_index in the order output_item.added came, so indexes are dense from 0. Every event carries a
/// sequence_number counting from 0. Deltas are copied as the escaped bytes the upstream sent; no string is built per
/// delta. Each frame is complete (<c>event: type\ndata: json\n\n</c>), so the caller may flush after any call.
/// </remarks>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "A Utf8JsonWriter over an IBufferWriter holds no resources: Dispose only flushes, and every frame is flushed.")]
internal sealed class ResponsesInboundStream : OpenAIChunkSink
{
    private readonly string _responseId;
    private readonly string _model;
    private readonly ResponseEnvelope _envelope;
    private readonly TimeProvider _timeProvider;

    // Items in output order, once added; and every function call, including one still waiting for its name.
    private readonly List<StreamedOutputItem> _items = [];
    private readonly List<StreamedOutputItem> _calls = [];
    private Utf8JsonWriter? _writer;
    private StreamedOutputItem? _open;
    private bool _started;
    private long _createdAt;
    private int _sequenceNumber;

    /// <param name="responseId">The id the caller gave this response (<see cref="ResponsesIds.NewResponseId"/>).</param>
    /// <param name="model">The model name the client asked for, which is what OpenAI echoes.</param>
    /// <param name="request">The Responses request; the parameters it echoes are copied now, so the document may go.</param>
    public ResponsesInboundStream(string responseId, string model, JsonElement request, TimeProvider? timeProvider = null)
    {
        _responseId = responseId;
        _model = model;
        _envelope = new ResponseEnvelope(request);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Whether the stream ended with response.completed or response.incomplete.</summary>
    public bool Completed { get; private set; }

    /// <summary>The text of the answer so far, every message item's joined; null when there is none.</summary>
    public string? AssistantText
    {
        get
        {
            var text = new ArrayBufferWriter<byte>();
            AppendText(text);
            return text.WrittenCount == 0 ? null : ResponseItemWriter.Unescape(text.WrittenSpan);
        }
    }

    /// <summary>
    /// The conversation after this turn (see <see cref="ResponsesInboundResponse.ConversationAfter"/>), with the
    /// answer as streamed: its text and function calls, with the call ids the client saw.
    /// </summary>
    /// <param name="chatRequestJson">The chat request WriteChatRequest wrote for this turn.</param>
    public string ConversationAfter(string chatRequestJson)
    {
        var text = new ArrayBufferWriter<byte>();
        AppendText(text);
        var calls = _items.Where(item => item.IsFunctionCall)
            .Select(item => new AnswerToolCall(item.CallId!, item.Name!, item.Escaped.WrittenSpan.ToArray())).ToList();

        return ResponsesConversation.Write(chatRequestJson, text.WrittenSpan, calls);
    }

    /// <summary>
    /// Writes response.created and response.in_progress unless they were written. OnChunk does it on the first chunk;
    /// a caller may do it earlier, to answer the client before the upstream does.
    /// </summary>
    public void Start(IBufferWriter<byte> output)
    {
        if (_started || Finished)
        {
            return;
        }

        _started = true;
        _createdAt = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        WriteResponseEvent("response.created"u8, "in_progress", null, null, null, output);
        WriteResponseEvent("response.in_progress"u8, "in_progress", null, null, null, output);
    }

    /// <summary>
    /// A keep-alive event (<c>{"type":"keepalive"}</c>), which OpenAI's SDKs skip. SDKs reject any event before
    /// response.created, so this starts the response first.
    /// </summary>
    public void KeepAlive(IBufferWriter<byte> output)
    {
        if (Finished)
        {
            return;
        }

        Start(output);
        var writer = BeginEvent("keepalive"u8, output);
        EndEvent(writer, output);
    }

    protected override string UpstreamErrorCode => "server_error";

    public override void Fail(GatewayError error, IBufferWriter<byte> output) => Fail(error.Code ?? error.Type, error.Message, output);

    protected override void OnContent(OpenAIChunkReader parsed, ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        Start(output);

        foreach (var segment in parsed.Content)
        {
            if (segment.Kind == ChunkSegmentKind.Text)
            {
                OnText(chunk[segment.Text][1..^1], output);
            }
        }

        foreach (var call in parsed.ToolCalls)
        {
            OnToolCall(call, chunk, output);
        }
    }

    /// <summary>
    /// Ends the response: closes the open item and writes response.completed (or response.incomplete, when the model
    /// was cut off) with the whole response and its usage. Does nothing after <see cref="Complete"/> or <see cref="Fail"/>.
    /// </summary>
    public override void Complete(IBufferWriter<byte> output)
    {
        if (Finished)
        {
            return;
        }

        // An upstream that sent nothing still gets a well-formed, empty response rather than a stream SDKs reject.
        Start(output);
        Finished = true;

        // A tool call whose name never arrived still happened; the client sees it rather than losing its arguments.
        foreach (var call in _calls)
        {
            if (call.OutputIndex < 0)
            {
                StartCall(call, output);
            }
        }

        var incompleteReason = ResponsesStatus.IncompleteReason(FinishReason);
        CloseOpen(incompleteReason is null ? "completed" : "incomplete", output);

        // OpenAI ends a cut-off response with response.incomplete, not response.completed; SDKs read the final
        // response from either.
        if (incompleteReason is null)
        {
            WriteResponseEvent("response.completed"u8, "completed", null, null, null, output);
        }
        else
        {
            WriteResponseEvent("response.incomplete"u8, "incomplete", incompleteReason, null, null, output);
        }

        Completed = true;
    }

    /// <summary>
    /// Ends the stream with an <c>error</c> event and response.failed, whose response carries the error and the output
    /// so far. <paramref name="code"/> is an OpenAI response error code: "server_error", "rate_limit_exceeded", ...
    /// </summary>
    public override void Fail(string code, string message, IBufferWriter<byte> output)
    {
        if (Finished)
        {
            return;
        }

        // SDKs reject any event before response.created.
        Start(output);
        Finished = true;
        Failed = true;

        // Open items are not closed: the failure ends them, and response.failed shows them incomplete.
        if (_open is not null)
        {
            _open.Status = "incomplete";
            _open = null;
        }

        // The error event is what the Vercel AI SDK and the Node SDK's event consumers look for; response.failed is
        // what ends the stream and what the Python and .NET SDKs read the failure from.
        var writer = BeginEvent("error"u8, output);
        writer.WriteString("code"u8, code);
        writer.WriteString("message"u8, message);
        writer.WriteNull("param"u8);
        EndEvent(writer, output);

        WriteResponseEvent("response.failed"u8, "failed", null, code, message, output);
    }

    private void OnText(ReadOnlySpan<byte> escaped, IBufferWriter<byte> output)
    {
        if (_open is not { IsFunctionCall: false })
        {
            CloseOpen("completed", output);
            var message = new StreamedOutputItem(isFunctionCall: false, -1) { Id = ResponsesIds.NewMessageId() };
            AddItem(message, output);

            var writer = BeginEvent("response.content_part.added"u8, output);
            ResponseItemWriter.WriteItemAddress(writer, message);
            writer.WriteNumber("content_index"u8, 0);
            writer.WritePropertyName("part"u8);
            ResponseItemWriter.WriteOutputText(writer, default);
            EndEvent(writer, output);
        }

        var item = _open!;
        item.Escaped.Write(escaped);

        var delta = BeginEvent("response.output_text.delta"u8, output);
        ResponseItemWriter.WriteItemAddress(delta, item);
        delta.WriteNumber("content_index"u8, 0);
        delta.WritePropertyName("delta"u8);
        ResponseItemWriter.WriteEscapedString(delta, escaped);
        delta.WriteStartArray("logprobs"u8);
        delta.WriteEndArray();
        EndEvent(delta, output);
    }

    private void OnToolCall(ChunkToolCall call, ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        var item = StreamedToolCalls.ContinuedOrAdded(_calls, call, chunk, static index => new StreamedOutputItem(isFunctionCall: true, index));
        var hasArguments = OpenAIChunkReader.IsNonEmpty(call.Arguments);
        if (item.OutputIndex >= 0)
        {
            // Providers that repeat the id and name on every fragment are ignored after the first. A fragment for a
            // call that was closed (an upstream interleaving calls) still goes to that call's output_index: SDKs
            // append it to the item they hold, and the final response has the whole arguments either way.
            if (hasArguments)
            {
                var arguments = chunk[call.Arguments][1..^1];
                item.Escaped.Write(arguments);
                WriteArgumentsDelta(item, arguments, output);
            }

            return;
        }

        StreamedToolCalls.TakeIdentity(item, call, chunk);

        if (hasArguments)
        {
            item.Escaped.Write(chunk[call.Arguments][1..^1]);
        }

        // output_item.added carries the name, so an item waits for it; every upstream seen sends the name in a call's
        // first fragment, which makes the wait zero in practice.
        if (item.Name is not null)
        {
            StartCall(item, output);
        }
    }

    private void StartCall(StreamedOutputItem item, IBufferWriter<byte> output)
    {
        CloseOpen("completed", output);

        // The client answers with a function_call_output naming the call id; an upstream that sent none still needs one.
        item.CallId ??= ResponseItemWriter.Quoted(ResponsesIds.NewCallId());
        item.Name ??= "\"\""u8.ToArray();
        item.Id = ResponsesIds.NewFunctionCallId();
        AddItem(item, output);

        // Fragments that came before the name go out as one delta.
        if (item.Escaped.WrittenCount > 0)
        {
            WriteArgumentsDelta(item, item.Escaped.WrittenSpan, output);
        }
    }

    /// <summary>Gives the item the next output_index, writes response.output_item.added and makes it the open item.</summary>
    private void AddItem(StreamedOutputItem item, IBufferWriter<byte> output)
    {
        item.OutputIndex = _items.Count;
        _items.Add(item);
        _open = item;

        var writer = BeginEvent("response.output_item.added"u8, output);
        writer.WriteNumber("output_index"u8, item.OutputIndex);
        writer.WritePropertyName("item"u8);
        ResponseItemWriter.WriteStreamedItem(writer, item, added: true);
        EndEvent(writer, output);
    }

    private void CloseOpen(string status, IBufferWriter<byte> output)
    {
        if (_open is not { } item)
        {
            return;
        }

        _open = null;
        item.Status = status;
        Utf8JsonWriter writer;
        if (item.IsFunctionCall)
        {
            writer = BeginEvent("response.function_call_arguments.done"u8, output);
            ResponseItemWriter.WriteItemAddress(writer, item);
            writer.WritePropertyName("name"u8);
            writer.WriteRawValue(item.Name, skipInputValidation: true);
            writer.WritePropertyName("arguments"u8);
            ResponseItemWriter.WriteEscapedString(writer, item.Escaped.WrittenSpan);
            EndEvent(writer, output);
        }
        else
        {
            writer = BeginEvent("response.output_text.done"u8, output);
            ResponseItemWriter.WriteItemAddress(writer, item);
            writer.WriteNumber("content_index"u8, 0);
            writer.WritePropertyName("text"u8);
            ResponseItemWriter.WriteEscapedString(writer, item.Escaped.WrittenSpan);
            writer.WriteStartArray("logprobs"u8);
            writer.WriteEndArray();
            EndEvent(writer, output);

            writer = BeginEvent("response.content_part.done"u8, output);
            ResponseItemWriter.WriteItemAddress(writer, item);
            writer.WriteNumber("content_index"u8, 0);
            writer.WritePropertyName("part"u8);
            ResponseItemWriter.WriteOutputText(writer, item.Escaped.WrittenSpan);
            EndEvent(writer, output);
        }

        writer = BeginEvent("response.output_item.done"u8, output);
        writer.WriteNumber("output_index"u8, item.OutputIndex);
        writer.WritePropertyName("item"u8);
        ResponseItemWriter.WriteStreamedItem(writer, item, added: false);
        EndEvent(writer, output);
    }

    private void WriteArgumentsDelta(StreamedOutputItem item, ReadOnlySpan<byte> escaped, IBufferWriter<byte> output)
    {
        var writer = BeginEvent("response.function_call_arguments.delta"u8, output);
        ResponseItemWriter.WriteItemAddress(writer, item);
        writer.WritePropertyName("delta"u8);
        ResponseItemWriter.WriteEscapedString(writer, escaped);
        EndEvent(writer, output);
    }

    /// <summary>A lifecycle event carrying the whole response as it stands.</summary>
    private void WriteResponseEvent(ReadOnlySpan<byte> type, string status, string? incompleteReason, string? errorCode, string? errorMessage,
        IBufferWriter<byte> output)
    {
        var writer = BeginEvent(type, output);
        writer.WritePropertyName("response"u8);
        _envelope.WriteStart(writer, _responseId, _createdAt, status, _model, incompleteReason, errorCode, errorMessage);
        writer.WriteStartArray();
        foreach (var item in _items)
        {
            ResponseItemWriter.WriteStreamedItem(writer, item, added: false);
        }

        writer.WriteEndArray();

        // usage is null while in progress, as OpenAI has it; the final event carries the counts.
        _envelope.WriteEnd(writer, status == "in_progress" ? null : Usage);
        EndEvent(writer, output);
    }

    private void AppendText(ArrayBufferWriter<byte> text)
    {
        foreach (var item in _items)
        {
            if (!item.IsFunctionCall)
            {
                text.Write(item.Escaped.WrittenSpan);
            }
        }
    }

    /// <summary>Writes <c>event: type\ndata: </c> and opens the event's object with its type and sequence number.</summary>
    private Utf8JsonWriter BeginEvent(ReadOnlySpan<byte> type, IBufferWriter<byte> output)
    {
        output.Write("event: "u8);
        output.Write(type);
        output.Write("\ndata: "u8);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, JsonOutput.WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        _writer.WriteStartObject();
        _writer.WriteString("type"u8, type);
        _writer.WriteNumber("sequence_number"u8, _sequenceNumber++);
        return _writer;
    }

    private static void EndEvent(Utf8JsonWriter writer, IBufferWriter<byte> output)
    {
        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n\n"u8);
    }
}
