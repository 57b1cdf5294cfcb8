using System.Buffers;
using System.Text.Json;
using Tollgate.Providers.Translation;

namespace Tollgate.Providers.Cohere;

/// <summary>
/// Turns a Cohere v2 chat stream (SSE, the type in each event's JSON) into OpenAI chunks:
/// <code>
///   message-start ───► role chunk (id)
///   content-delta ───► content                      tool-plan-delta ─► reasoning_content
///   tool-call-start ─► tool_calls[index] id, name   tool-call-delta ─► tool_calls[index] arguments
///   message-end ─────► finish chunk; usage; complete
///   content-start/-end, tool-call-end, citation-* ─► nothing
/// </code>
/// </summary>
internal sealed class CohereStreamTranslator(string model, long created, string provider) : TranslatedStream(model, created, provider)
{
    protected override void OnEvent(ReadOnlySpan<byte> eventName, JsonElement data, IBufferWriter<byte> output)
    {
        var delta = JsonText.Object(data, "delta");
        var message = JsonText.Object(delta, "message");
        switch (JsonText.String(data, "type"))
        {
            case "message-start":
                Chunks.SetId(JsonText.String(data, "id") ?? string.Empty);
                Chunks.Role(output);
                break;
            case "content-delta":
                Chunks.Text(JsonText.String(JsonText.Object(message, "content"), "text") ?? string.Empty, output);
                break;
            case "tool-plan-delta":
                Chunks.Reasoning(JsonText.String(message, "tool_plan") ?? string.Empty, output);
                break;
            case "tool-call-start":
                var start = JsonText.Object(message, "tool_calls");
                var function = JsonText.Object(start, "function");
                Chunks.ToolCallStart(JsonText.Int(data, "index"), JsonText.String(start, "id") ?? string.Empty, JsonText.String(function, "name") ?? string.Empty,
                    JsonText.String(function, "arguments") ?? string.Empty, output);
                break;
            case "tool-call-delta":
                var arguments = JsonText.String(JsonText.Object(JsonText.Object(message, "tool_calls"), "function"), "arguments");
                if (!string.IsNullOrEmpty(arguments))
                {
                    Chunks.ToolCallArguments(JsonText.Int(data, "index"), arguments, output);
                }

                break;
            case "message-end":
                Usage = CohereClient.ReadUsage(JsonText.Object(delta, "usage"));
                var reason = JsonText.String(delta, "finish_reason");
                if (reason is "ERROR" or "TIMEOUT")
                {
                    Fail(502, reason == "ERROR" ? "upstream_error" : "upstream_timeout", JsonText.String(delta, "error") ?? reason);
                    return;
                }

                Chunks.Finish(CohereClient.FinishReason(reason) ?? "stop", output);
                Completed = true;
                break;
            default:
                break;
        }
    }
}
