using System.Buffers;
using System.Text.Json;
using Tollgate.Providers.Translation;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// Turns ConverseStream events (one JSON payload per event stream message, named by <c>:event-type</c>) into OpenAI chunks:
/// <code>
///   messageStart ────────────────────────► role chunk
///   contentBlockStart start.toolUse ─────► tool_calls[k] id, name         (k counts tool blocks densely)
///   contentBlockDelta delta.text ────────► content
///   contentBlockDelta delta.toolUse.input ► tool_calls[k] arguments
///   contentBlockDelta delta.reasoningContent.text ► reasoning_content
///   messageStop stopReason ──────────────► finish chunk
///   metadata usage ──────────────────────► usage; the stream is complete (it follows messageStop)
///   *Exception (exception messages) ─────► mid-stream error
/// </code>
/// </summary>
internal sealed class ConverseStreamTranslator(string model, long created, string provider) : TranslatedStream(model, created, provider)
{
    private Dictionary<int, int>? _toolIndexByBlock;

    protected override void OnEvent(ReadOnlySpan<byte> eventName, JsonElement data, IBufferWriter<byte> output)
    {
        var name = System.Text.Encoding.UTF8.GetString(eventName);
        switch (name)
        {
            case "messageStart":
                Chunks.SetId("chatcmpl-bedrock-" + Guid.NewGuid().ToString("N")[..16]);
                Chunks.Role(output);
                break;
            case "contentBlockStart":
                if (JsonText.Object(JsonText.Object(data, "start"), "toolUse") is { ValueKind: JsonValueKind.Object } toolUse)
                {
                    _toolIndexByBlock ??= [];
                    var index = _toolIndexByBlock.Count;
                    _toolIndexByBlock[JsonText.Int(data, "contentBlockIndex")] = index;
                    Chunks.ToolCallStart(index, JsonText.String(toolUse, "toolUseId") ?? string.Empty, JsonText.String(toolUse, "name") ?? string.Empty, string.Empty, output);
                }

                break;
            case "contentBlockDelta":
                var delta = JsonText.Object(data, "delta");
                if (JsonText.String(delta, "text") is { } text)
                {
                    Chunks.Text(text, output);
                }
                else if (JsonText.String(JsonText.Object(delta, "toolUse"), "input") is { Length: > 0 } input
                    && _toolIndexByBlock is not null && _toolIndexByBlock.TryGetValue(JsonText.Int(data, "contentBlockIndex"), out var toolIndex))
                {
                    Chunks.ToolCallArguments(toolIndex, input, output);
                }
                else if (JsonText.String(JsonText.Object(delta, "reasoningContent"), "text") is { } reasoning)
                {
                    Chunks.Reasoning(reasoning, output);
                }

                break;
            case "messageStop":
                Chunks.Finish(BedrockClient.FinishReason(JsonText.String(data, "stopReason")) ?? "stop", output);
                break;
            case "metadata":
                Usage = BedrockClient.ReadUsage(JsonText.Object(data, "usage"));
                Completed = true;
                break;
            default:
                if (name.EndsWith("Exception", StringComparison.Ordinal) || name == "exception")
                {
                    Fail(name.StartsWith("throttling", StringComparison.Ordinal) ? 429 : 502, name, JsonText.String(data, "message") ?? JsonText.String(data, "Message"));
                }

                break;
        }
    }
}
