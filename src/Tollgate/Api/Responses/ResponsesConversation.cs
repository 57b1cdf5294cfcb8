using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tollgate.Api.Responses;

/// <summary>
/// Writes the conversation after a turn as a chat <c>messages</c> array: the messages the chat request sent (the
/// stored conversation, the instructions and the new input, as WriteChatRequest laid them out) and the assistant's
/// answer. It is what the caller stores for a later <c>previous_response_id</c>, and hands back to WriteChatRequest.
/// </summary>
internal static class ResponsesConversation
{
    public static string Write(string chatRequestJson, ReadOnlySpan<byte> escapedText, IReadOnlyList<AnswerToolCall> toolCalls)
    {
        using var request = JsonDocument.Parse(chatRequestJson);
        var output = new ArrayBufferWriter<byte>(chatRequestJson.Length + escapedText.Length + 256);
        using (var writer = new Utf8JsonWriter(output, JsonOutput.WriterOptions))
        {
            writer.WriteStartArray();
            if (request.RootElement.ValueKind == JsonValueKind.Object && request.RootElement.TryGetProperty("messages"u8, out var messages)
                && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var message in messages.EnumerateArray())
                {
                    message.WriteTo(writer);
                }
            }

            WriteAssistantMessage(escapedText, toolCalls, writer);
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static void WriteAssistantMessage(ReadOnlySpan<byte> escapedText, IReadOnlyList<AnswerToolCall> toolCalls, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, "assistant"u8);
        writer.WritePropertyName("content"u8);
        if (!escapedText.IsEmpty)
        {
            ResponseItemWriter.WriteEscapedString(writer, escapedText);
        }
        else if (toolCalls.Count > 0)
        {
            // What OpenAI itself returns next to tool calls.
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(""u8);
        }

        if (toolCalls.Count > 0)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var call in toolCalls)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("id"u8);
                writer.WriteRawValue(call.CallId, skipInputValidation: true);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WritePropertyName("name"u8);
                writer.WriteRawValue(call.Name, skipInputValidation: true);
                writer.WritePropertyName("arguments"u8);
                ResponseItemWriter.WriteEscapedString(writer, call.EscapedArguments);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
