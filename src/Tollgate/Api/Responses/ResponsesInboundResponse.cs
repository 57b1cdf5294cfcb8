using System.Text.Json;

namespace Tollgate.Api.Responses;

/// <summary>
/// Rewrites an OpenAI <c>chat.completion</c> as a Responses <c>response</c> object, and writes the conversation the
/// caller stores for <c>previous_response_id</c>.
/// </summary>
/// <remarks>
/// <code>
///   chat.completion                            Responses response
///   ───────────────                            ──────────────────
///   message.content (string or text parts) ──► message item {id "msg_…", content [output_text]}
///   message.refusal ─────────────────────────► the output_text, when there is no content
///   message.tool_calls ──────────────────────► function_call items {id "fc_…", call_id, name, arguments}
///   finish_reason length / content_filter ───► status "incomplete", incomplete_details.reason, last item incomplete
///   usage ───────────────────────────────────► usage: input (cached included), output (reasoning) and total tokens
///   created ─────────────────────────────────► created_at
///   the request's parameters ────────────────► echoed (ResponseEnvelope)
/// </code>
/// </remarks>
internal static class ResponsesInboundResponse
{
    /// <summary>
    /// Writes the response. Throws <see cref="JsonException"/> when the body is not a JSON object, which only a broken
    /// upstream sends.
    /// </summary>
    /// <param name="responseId">The id the caller gave this response (<see cref="ResponsesIds.NewResponseId"/>), under which it stores the conversation.</param>
    /// <param name="model">The model name the client asked for, which is what OpenAI echoes.</param>
    /// <param name="request">The Responses request, for the parameters the response echoes.</param>
    /// <param name="timeProvider">For created_at when the completion has no <c>created</c>.</param>
    public static void WriteResponse(ReadOnlySpan<byte> chatCompletion, string responseId, string model, JsonElement request, Utf8JsonWriter writer,
        TimeProvider? timeProvider = null)
    {
        var answer = CompletedAnswer.Read(chatCompletion);
        var incompleteReason = ResponsesStatus.IncompleteReason(answer.FinishReason);
        var createdAt = answer.Created ?? (timeProvider ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        var envelope = new ResponseEnvelope(request);

        envelope.WriteStart(writer, responseId, createdAt, incompleteReason is null ? "completed" : "incomplete", model, incompleteReason);
        writer.WriteStartArray();

        // The token limit or a filter cut whatever came last; everything before it was finished.
        var hasText = answer.EscapedText.WrittenCount > 0;
        var itemCount = answer.ToolCalls.Count + (hasText || answer.ToolCalls.Count == 0 ? 1 : 0);
        var item = 0;
        if (hasText || answer.ToolCalls.Count == 0)
        {
            // An answer with neither text nor calls still gets its (empty) message, so output_text reads "" rather than failing.
            ResponseItemWriter.WriteMessage(writer, ResponsesIds.NewMessageId(), ItemStatus(++item == itemCount, incompleteReason), answer.EscapedText.WrittenSpan, withContent: true);
        }

        foreach (var call in answer.ToolCalls)
        {
            ResponseItemWriter.WriteFunctionCall(writer, ResponsesIds.NewFunctionCallId(), ItemStatus(++item == itemCount, incompleteReason), call.CallId, call.Name,
                call.EscapedArguments);
        }

        writer.WriteEndArray();
        envelope.WriteEnd(writer, answer.Usage, answer.ReasoningTokens);
    }

    /// <summary>
    /// The conversation after this turn as a chat messages JSON array: the chat request's messages (stored
    /// conversation, instructions, new input) and the assistant's answer. The caller stores it under the response id
    /// when the request's <c>store</c> is true, and passes it to WriteChatRequest for a later <c>previous_response_id</c>.
    /// </summary>
    /// <param name="chatRequestJson">The chat request WriteChatRequest wrote for this turn.</param>
    public static string ConversationAfter(string chatRequestJson, ReadOnlySpan<byte> chatCompletion)
    {
        var answer = CompletedAnswer.Read(chatCompletion);
        return ResponsesConversation.Write(chatRequestJson, answer.EscapedText.WrittenSpan, answer.ToolCalls);
    }

    private static string ItemStatus(bool last, string? incompleteReason) => last && incompleteReason is not null ? "incomplete" : "completed";
}
