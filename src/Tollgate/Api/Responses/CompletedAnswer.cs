using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Api.Responses;

/// <summary>
/// What a <c>chat.completion</c> says, in the pieces a Responses reply and the stored conversation are written from:
/// the answer's text and function calls, why it stopped, and the usage.
/// </summary>
/// <remarks>
/// Reasoning (<c>reasoning_content</c>, Databricks reasoning parts) is left out: the stream has no reasoning items
/// either, and a reply must say the same whether it was streamed or not. A refusal is the answer's text when there is
/// no other, as the stream, which cannot tell them apart, also has it.
/// </remarks>
internal sealed class CompletedAnswer
{
    private static readonly byte[] EmptyName = "\"\""u8.ToArray();

    private CompletedAnswer(string? chatId, long? created)
    {
        ChatId = chatId;
        Created = created;
    }

    public string? ChatId { get; }

    /// <summary>The completion's <c>created</c> (Unix seconds), when it had one.</summary>
    public long? Created { get; }

    /// <summary>The answer's text as escaped JSON string contents; empty when there is none.</summary>
    public ArrayBufferWriter<byte> EscapedText { get; } = new();

    public List<AnswerToolCall> ToolCalls { get; } = [];

    /// <summary>The unescaped finish reason; empty when the upstream sent none.</summary>
    public byte[] FinishReason { get; private set; } = [];

    public TokenUsage Usage { get; private set; }

    public int ReasoningTokens { get; private set; }

    /// <summary>Reads the completion. Throws <see cref="JsonException"/> when it is not a JSON object, which only a broken upstream sends.</summary>
    public static CompletedAnswer Read(ReadOnlySpan<byte> chatCompletion)
    {
        using var completion = PooledJsonObject.Parse(chatCompletion, "The chat completion is not a JSON object.");
        return Read(completion.Root);
    }

    private static CompletedAnswer Read(JsonElement completion)
    {
        var chatId = completion.TryGetProperty("id"u8, out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        long? created = completion.TryGetProperty("created"u8, out var createdElement) && createdElement.ValueKind == JsonValueKind.Number
            && createdElement.TryGetInt64(out var seconds) && seconds > 0 ? seconds : null;
        var answer = new CompletedAnswer(chatId, created);

        if (completion.TryGetProperty("choices"u8, out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            && choices[0].ValueKind == JsonValueKind.Object)
        {
            var choice = choices[0];
            if (choice.TryGetProperty("finish_reason"u8, out var finishReason) && finishReason.ValueKind == JsonValueKind.String)
            {
                answer.FinishReason = JsonMarshal.GetRawUtf8Value(finishReason)[1..^1].ToArray();
            }

            if (choice.TryGetProperty("message"u8, out var message) && message.ValueKind == JsonValueKind.Object)
            {
                answer.ReadText(message);
                answer.ReadToolCalls(message);
            }
        }

        answer.ReadUsage(completion);
        return answer;
    }

    private void ReadText(JsonElement message)
    {
        message.TryGetProperty("content"u8, out var content);
        if (content.ValueKind == JsonValueKind.String)
        {
            EscapedText.Write(JsonMarshal.GetRawUtf8Value(content)[1..^1]);
        }
        else if (content.ValueKind == JsonValueKind.Array)
        {
            // Text parts are pieces of one answer (Databricks splits around its reasoning parts); joined as they are.
            foreach (var part in content.EnumerateArray())
            {
                if (ResponsesJson.IsType(part, "text"u8) && part.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String)
                {
                    EscapedText.Write(JsonMarshal.GetRawUtf8Value(text)[1..^1]);
                }
            }
        }

        if (EscapedText.WrittenCount == 0 && message.TryGetProperty("refusal"u8, out var refusal) && refusal.ValueKind == JsonValueKind.String)
        {
            EscapedText.Write(JsonMarshal.GetRawUtf8Value(refusal)[1..^1]);
        }
    }

    private void ReadToolCalls(JsonElement message)
    {
        if (!message.TryGetProperty("tool_calls"u8, out var toolCalls) || toolCalls.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var call in toolCalls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var callId = call.TryGetProperty("id"u8, out var idElement) && ResponsesJson.IsNonEmptyString(idElement)
                ? JsonMarshal.GetRawUtf8Value(idElement).ToArray()
                : ResponseItemWriter.Quoted(ResponsesIds.FallbackCallId(ChatId, ToolCalls.Count));

            var name = EmptyName;
            var arguments = Array.Empty<byte>();
            if (call.TryGetProperty("function"u8, out var function) && function.ValueKind == JsonValueKind.Object)
            {
                if (function.TryGetProperty("name"u8, out var nameElement) && nameElement.ValueKind == JsonValueKind.String)
                {
                    name = JsonMarshal.GetRawUtf8Value(nameElement).ToArray();
                }

                function.TryGetProperty("arguments"u8, out var argumentsElement);
                if (argumentsElement.ValueKind == JsonValueKind.String)
                {
                    arguments = JsonMarshal.GetRawUtf8Value(argumentsElement)[1..^1].ToArray();
                }
                else if (argumentsElement.ValueKind == JsonValueKind.Object)
                {
                    // Some servers send the object itself rather than its serialization; Responses carries a string.
                    arguments = JsonEncodedText.Encode(argumentsElement.GetRawText(), JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes.ToArray();
                }
            }

            ToolCalls.Add(new AnswerToolCall(callId, name, arguments));
        }
    }

    private void ReadUsage(JsonElement completion)
    {
        if (!completion.TryGetProperty("usage"u8, out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var cached = 0;
        if (usage.TryGetProperty("prompt_tokens_details"u8, out var promptDetails) && promptDetails.ValueKind == JsonValueKind.Object)
        {
            cached = ReadInt(promptDetails, "cached_tokens"u8);
        }

        if (usage.TryGetProperty("completion_tokens_details"u8, out var completionDetails) && completionDetails.ValueKind == JsonValueKind.Object)
        {
            ReasoningTokens = ReadInt(completionDetails, "reasoning_tokens"u8);
        }

        Usage = new TokenUsage(ReadInt(usage, "prompt_tokens"u8), ReadInt(usage, "completion_tokens"u8), cached);
    }

    private static int ReadInt(JsonElement parent, ReadOnlySpan<byte> name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : 0;
}
