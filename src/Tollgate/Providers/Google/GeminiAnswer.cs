using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Providers.Translation;

namespace Tollgate.Providers.Google;

/// <summary>Reads Gemini <c>GenerateContentResponse</c>s: whole answers, and the pieces a stream sends one per event.</summary>
internal static class GeminiAnswer
{
    public static ChatAnswer Read(JsonElement body)
    {
        var answer = new ChatAnswer { Id = JsonText.String(body, "responseId") ?? "chatcmpl-gemini", Usage = ReadUsage(body) };
        var candidate = JsonText.Array(body, "candidates").FirstOrDefault();
        string? text = null, reasoning = null;
        foreach (var part in JsonText.Array(JsonText.Object(candidate, "content"), "parts"))
        {
            if (JsonText.String(part, "text") is { } piece)
            {
                if (part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True)
                {
                    reasoning += piece;
                }
                else
                {
                    text += piece;
                }
            }
            else if (JsonText.Object(part, "functionCall") is { ValueKind: JsonValueKind.Object } call)
            {
                answer.ToolCalls.Add(ToolCallOf(call, answer.ToolCalls.Count));
            }
        }

        answer.Text = text;
        answer.Reasoning = reasoning;
        var blocked = candidate.ValueKind == JsonValueKind.Undefined && JsonText.String(JsonText.Object(body, "promptFeedback"), "blockReason") is not null;
        answer.FinishReason = blocked ? "content_filter" : FinishReason(JsonText.String(candidate, "finishReason"), answer.ToolCalls.Count > 0);
        return answer;
    }

    /// <summary>A function call as OpenAI's tool call; Gemini ids are optional, so one is made when missing.</summary>
    public static ToolCall ToolCallOf(JsonElement call, int index)
    {
        var args = call.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Object ? a.GetRawText() : "{}";
        var id = JsonText.String(call, "id") ?? $"call_{index}_{Guid.NewGuid():N}"[..24];
        return new ToolCall(id, JsonText.String(call, "name") ?? string.Empty, args);
    }

    /// <summary>Gemini's finishReason in OpenAI's words. STOP with function calls is OpenAI's tool_calls.</summary>
    public static string? FinishReason(string? reason, bool calledTools) => reason switch
    {
        null or "" or "FINISH_REASON_UNSPECIFIED" => null,
        "STOP" => calledTools ? "tool_calls" : "stop",
        "MAX_TOKENS" => "length",
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" => "content_filter",
        _ => calledTools ? "tool_calls" : "stop",
    };

    /// <summary>
    /// usageMetadata: promptTokenCount includes cached tokens (as OpenAI's prompt_tokens does); thinking tokens are
    /// billed as output, so they count as completion tokens.
    /// </summary>
    public static TokenUsage ReadUsage(JsonElement body)
    {
        var usage = JsonText.Object(body, "usageMetadata");
        return new TokenUsage(
            JsonText.Int(usage, "promptTokenCount"),
            JsonText.Int(usage, "candidatesTokenCount") + JsonText.Int(usage, "thoughtsTokenCount"),
            JsonText.Int(usage, "cachedContentTokenCount"));
    }
}
