using System.Buffers;
using System.Text.Json;
using Tollgate.Providers.Translation;

namespace Tollgate.Providers.Google;

/// <summary>
/// Turns a <c>streamGenerateContent?alt=sse</c> stream (one <c>GenerateContentResponse</c> per <c>data:</c> event, no
/// end marker) into OpenAI chunks:
/// <code>
///   first event ──────────────► role chunk (id = responseId)
///   parts[].text ─────────────► content (thought parts ─► reasoning_content)
///   parts[].functionCall ─────► one tool_calls chunk with the whole arguments (Gemini never splits them)
///   candidates[].finishReason ► finish chunk; the stream is complete
///   usageMetadata ────────────► usage (each event carries the running totals; the last wins)
///   {"error":{...}} ──────────► mid-stream error
/// </code>
/// </summary>
internal sealed class GeminiStreamTranslator(string model, long created, string provider) : TranslatedStream(model, created, provider)
{
    private bool _started;
    private int _toolCalls;

    protected override void OnEvent(ReadOnlySpan<byte> eventName, JsonElement data, IBufferWriter<byte> output)
    {
        if (JsonText.Object(data, "error") is { ValueKind: JsonValueKind.Object } error)
        {
            Fail(JsonText.Int(error, "code") is var code and >= 400 ? code : 502, JsonText.String(error, "status"), JsonText.String(error, "message"));
            return;
        }

        if (!_started)
        {
            _started = true;
            Chunks.SetId(JsonText.String(data, "responseId") ?? "chatcmpl-" + Guid.NewGuid().ToString("N"));
            Chunks.Role(output);
        }

        if (data.TryGetProperty("usageMetadata", out _))
        {
            Usage = GeminiAnswer.ReadUsage(data);
        }

        var candidate = JsonText.Array(data, "candidates").FirstOrDefault();
        foreach (var part in JsonText.Array(JsonText.Object(candidate, "content"), "parts"))
        {
            if (JsonText.String(part, "text") is { } text)
            {
                if (part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True)
                {
                    Chunks.Reasoning(text, output);
                }
                else
                {
                    Chunks.Text(text, output);
                }
            }
            else if (JsonText.Object(part, "functionCall") is { ValueKind: JsonValueKind.Object } functionCall)
            {
                var call = GeminiAnswer.ToolCallOf(functionCall, _toolCalls);
                Chunks.ToolCallStart(_toolCalls++, call.Id, call.Name, call.Arguments, output);
            }
        }

        var blocked = candidate.ValueKind == JsonValueKind.Undefined && JsonText.String(JsonText.Object(data, "promptFeedback"), "blockReason") is not null;
        var finish = blocked ? "content_filter" : GeminiAnswer.FinishReason(JsonText.String(candidate, "finishReason"), _toolCalls > 0);
        if (finish is not null)
        {
            Chunks.Finish(finish, output);
            Completed = true;
        }
    }
}
