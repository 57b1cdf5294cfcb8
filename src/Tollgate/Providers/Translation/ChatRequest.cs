using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers.Translation;

/// <summary>
/// An OpenAI chat body read into the parts every non-OpenAI wire format needs (system text, turns, tools, sampling),
/// for the providers whose request bodies are rebuilt rather than forwarded (Gemini, Vertex, Cohere, Bedrock).
/// Strings are copied out, so the document can be disposed before the upstream body is written.
/// </summary>
internal sealed class ChatRequest
{
    public List<string> System { get; } = [];

    public List<ChatTurn> Turns { get; } = [];

    public List<ToolDefinition> Tools { get; } = [];

    public ToolChoiceKind ToolChoice { get; private set; } = ToolChoiceKind.Auto;

    /// <summary>The function <see cref="ToolChoiceKind.Named"/> forces.</summary>
    public string? ToolChoiceName { get; private set; }

    public int? MaxTokens { get; private set; }

    public double? Temperature { get; private set; }

    public double? TopP { get; private set; }

    public int? TopK { get; private set; }

    public int? Seed { get; private set; }

    public double? PresencePenalty { get; private set; }

    public double? FrequencyPenalty { get; private set; }

    public List<string> Stop { get; } = [];

    /// <summary><c>response_format</c> json_object or json_schema.</summary>
    public bool JsonMode { get; private set; }

    /// <summary>The schema of <c>response_format: json_schema</c>, as raw JSON.</summary>
    public string? JsonSchema { get; private set; }

    /// <summary>Reads the body, or returns the 400 to answer with.</summary>
    public static GatewayError? TryRead(ReadOnlyMemory<byte> body, out ChatRequest request)
    {
        request = new ChatRequest();
        try
        {
            using var document = JsonDocument.Parse(body);
            return request.Read(document.RootElement);
        }
        catch (JsonException)
        {
            return GatewayError.BadRequest("The request body is not valid JSON.");
        }
    }

    private GatewayError? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messages"u8, out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return GatewayError.BadRequest("'messages' must be an array.", "messages");
        }

        // Tool results name only the call id; the wire formats that key results by function name look it up here.
        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var param = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role"u8, out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
            {
                return GatewayError.BadRequest($"'{param}' must be an object with a 'role'.", param);
            }

            var role = roleElement.GetString();
            message.TryGetProperty("content"u8, out var content);
            switch (role)
            {
                case "system" or "developer":
                    var systemText = TextOf(content);
                    if (systemText.Length > 0)
                    {
                        System.Add(systemText);
                    }

                    break;

                case "user":
                    var user = new ChatTurn(ChatTurnRole.User);
                    if (ReadParts(content, user.Parts, param) is { } partError)
                    {
                        return partError;
                    }

                    Turns.Add(user);
                    break;

                case "assistant":
                    var assistant = new ChatTurn(ChatTurnRole.Assistant);
                    var text = TextOf(content);
                    if (text.Length > 0)
                    {
                        assistant.Parts.Add(ContentPart.OfText(text));
                    }

                    if (message.TryGetProperty("tool_calls"u8, out var calls) && calls.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var call in calls.EnumerateArray())
                        {
                            var id = StringOf(call, "id"u8) ?? $"call_{assistant.ToolCalls.Count}";
                            var function = call.TryGetProperty("function"u8, out var f) ? f : default;
                            var name = function.ValueKind == JsonValueKind.Object ? StringOf(function, "name"u8) : null;
                            if (name is null)
                            {
                                return GatewayError.BadRequest($"'{param}.tool_calls' needs function names.", param);
                            }

                            var arguments = function.TryGetProperty("arguments"u8, out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "{}";
                            assistant.ToolCalls.Add(new ToolCall(id, name, arguments));
                            toolNames[id] = name;
                        }
                    }

                    Turns.Add(assistant);
                    break;

                case "tool" or "function":
                    var callId = StringOf(message, "tool_call_id"u8) ?? StringOf(message, "name"u8) ?? string.Empty;
                    var toolTurn = new ChatTurn(ChatTurnRole.Tool)
                    {
                        ToolCallId = callId,
                        ToolName = toolNames.TryGetValue(callId, out var known) ? known : StringOf(message, "name"u8) ?? callId,
                    };
                    toolTurn.Parts.Add(ContentPart.OfText(TextOf(content)));
                    Turns.Add(toolTurn);
                    break;

                default:
                    return GatewayError.BadRequest($"'{param}.role' '{role}' is not a chat role.", param);
            }
        }

        ReadTools(root);
        ReadSampling(root);
        return null;
    }

    private void ReadTools(JsonElement root)
    {
        if (root.TryGetProperty("tools"u8, out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("function"u8, out var function) && StringOf(function, "name"u8) is { } name)
                {
                    var parameters = function.TryGetProperty("parameters"u8, out var p) && p.ValueKind == JsonValueKind.Object
                        ? p.GetRawText()
                        : """{"type":"object","properties":{}}""";
                    Tools.Add(new ToolDefinition(name, StringOf(function, "description"u8), parameters));
                }
            }
        }

        if (root.TryGetProperty("tool_choice"u8, out var choice))
        {
            if (choice.ValueKind == JsonValueKind.String)
            {
                ToolChoice = choice.GetString() switch
                {
                    "none" => ToolChoiceKind.None,
                    "required" => ToolChoiceKind.Required,
                    _ => ToolChoiceKind.Auto,
                };
            }
            else if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function"u8, out var named) && StringOf(named, "name"u8) is { } name)
            {
                ToolChoice = ToolChoiceKind.Named;
                ToolChoiceName = name;
            }
        }
    }

    private void ReadSampling(JsonElement root)
    {
        MaxTokens = IntOf(root, "max_completion_tokens"u8) ?? IntOf(root, "max_tokens"u8);
        Temperature = DoubleOf(root, "temperature"u8);
        TopP = DoubleOf(root, "top_p"u8);
        TopK = IntOf(root, "top_k"u8);
        Seed = IntOf(root, "seed"u8);
        PresencePenalty = DoubleOf(root, "presence_penalty"u8);
        FrequencyPenalty = DoubleOf(root, "frequency_penalty"u8);
        if (root.TryGetProperty("stop"u8, out var stop))
        {
            if (stop.ValueKind == JsonValueKind.String)
            {
                Stop.Add(stop.GetString()!);
            }
            else if (stop.ValueKind == JsonValueKind.Array)
            {
                Stop.AddRange(stop.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!));
            }
        }

        if (root.TryGetProperty("response_format"u8, out var format) && format.ValueKind == JsonValueKind.Object)
        {
            var type = StringOf(format, "type"u8);
            JsonMode = type is "json_object" or "json_schema";
            if (type == "json_schema" && format.TryGetProperty("json_schema"u8, out var wrapper) && wrapper.TryGetProperty("schema"u8, out var schema))
            {
                JsonSchema = schema.GetRawText();
            }
        }
    }

    private static GatewayError? ReadParts(JsonElement content, List<ContentPart> parts, string param)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            parts.Add(ContentPart.OfText(content.GetString()!));
            return null;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var part in content.EnumerateArray())
        {
            switch (StringOf(part, "type"u8))
            {
                case "text":
                    parts.Add(ContentPart.OfText(StringOf(part, "text"u8) ?? string.Empty));
                    break;
                case "image_url":
                    var url = part.TryGetProperty("image_url"u8, out var image)
                        ? image.ValueKind == JsonValueKind.String ? image.GetString() : StringOf(image, "url"u8)
                        : null;
                    if (url is null)
                    {
                        return GatewayError.BadRequest($"'{param}' has an image_url part without a url.", param);
                    }

                    parts.Add(ContentPart.OfImage(url));
                    break;
                default:
                    // Audio and file parts have no equivalent in every target format; the text still goes.
                    break;
            }
        }

        return null;
    }

    /// <summary>A content that is a string, or the text parts of an array joined.</summary>
    public static string TextOf(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString() : StringOf(p, "text"u8))),
        _ => string.Empty,
    };

    private static string? StringOf(JsonElement element, ReadOnlySpan<byte> name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? IntOf(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static double? DoubleOf(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
