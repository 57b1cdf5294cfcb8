using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;

namespace Tollgate.Emulator.Script;

/// <summary>A chat request reduced to what decides the scripted reply and its token counts, whatever the dialect.</summary>
internal sealed class ChatInput
{
    private const int TokensPerMessage = 3;

    /// <summary>Words across all message texts plus <see cref="TokensPerMessage"/> per message (system included).</summary>
    public int PromptTokens { get; private init; }

    /// <summary>Text of the last user message (empty when there is none).</summary>
    public string LastUserText { get; private init; } = string.Empty;

    /// <summary>True when the last message is a plain user turn (not a tool result).</summary>
    public bool LastIsUser { get; private init; }

    /// <summary>Set when the last message carries tool results: their content.</summary>
    public string? ToolResultText { get; private init; }

    /// <summary>The tool the model will call, if tools were offered and the choice allows it.</summary>
    public string? ToolToCall { get; private init; }

    public int? MaxTokens { get; private init; }

    public IReadOnlyList<string> StopSequences { get; private init; } = [];

    /// <summary>Anthropic only: some block asked for prompt caching.</summary>
    public bool HasCacheControl { get; private init; }

    /// <summary>Reads an OpenAI chat body; throws <see cref="FormatException"/> with a client-facing message when it is malformed.</summary>
    public static ChatInput FromOpenAI(JsonObject body)
    {
        if (body["messages"] is not JsonArray messages)
        {
            throw new FormatException("Missing required parameter: 'messages'.");
        }

        var tokens = 0;
        string? lastRole = null;
        string lastText = string.Empty;
        string lastUserText = string.Empty;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message || message.GetString("role") is not string role)
            {
                throw new FormatException($"Invalid type for 'messages[{i}]': expected an object with a 'role'.");
            }

            var text = ContentText(message["content"]);
            if (message["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls)
                {
                    text += " " + call?["function"]?["name"].AsString() + " " + call?["function"]?["arguments"].AsString();
                }
            }

            tokens += Words.Count(text) + TokensPerMessage;
            lastRole = role;
            lastText = text;
            if (role == "user")
            {
                lastUserText = text;
            }
        }

        var lastIsUser = lastRole == "user";
        return new ChatInput
        {
            PromptTokens = tokens,
            LastUserText = lastUserText,
            LastIsUser = lastIsUser,
            ToolResultText = lastRole is "tool" or "function" ? lastText : null,
            ToolToCall = lastIsUser ? OpenAIToolToCall(body) : null,
            MaxTokens = ReadInt(body, "max_completion_tokens") ?? ReadInt(body, "max_tokens"),
            StopSequences = StringOrArray(body["stop"]),
        };
    }

    /// <summary>A legacy completions prompt, treated as one user message.</summary>
    public static ChatInput FromPrompt(string prompt, JsonObject body) => new()
    {
        PromptTokens = Words.Count(prompt) + TokensPerMessage,
        LastUserText = prompt,
        LastIsUser = true,
        MaxTokens = ReadInt(body, "max_tokens"),
        StopSequences = StringOrArray(body["stop"]),
    };

    /// <summary>Reads an Anthropic Messages body that <c>AnthropicValidator</c> has already accepted.</summary>
    public static ChatInput FromAnthropic(JsonObject body)
    {
        var tokens = 0;
        var cache = false;
        if (body["system"] is JsonNode system)
        {
            tokens += Words.Count(AnthropicContentText(system, ref cache, includeToolResults: true)) + TokensPerMessage;
        }

        var messages = body["messages"]!.AsArray();
        var lastUserText = string.Empty;
        string? toolResult = null;
        var lastIsUser = false;
        foreach (var node in messages)
        {
            var message = node!.AsObject();
            var role = message.GetString("role");
            var text = AnthropicContentText(message["content"], ref cache, includeToolResults: true);
            tokens += Words.Count(text) + TokensPerMessage;
            toolResult = null;
            lastIsUser = false;
            if (role == "user")
            {
                var ignored = false;
                var results = ToolResultsText(message["content"]);
                lastUserText = AnthropicContentText(message["content"], ref ignored, includeToolResults: false);
                toolResult = results;
                lastIsUser = results is null;
            }
        }

        if (body["tools"] is JsonArray tools)
        {
            cache |= tools.Any(t => t is JsonObject o && o.ContainsKey("cache_control"));
        }

        return new ChatInput
        {
            PromptTokens = tokens,
            LastUserText = lastUserText,
            LastIsUser = lastIsUser,
            ToolResultText = toolResult,
            ToolToCall = lastIsUser ? AnthropicToolToCall(body) : null,
            MaxTokens = ReadInt(body, "max_tokens"),
            StopSequences = StringOrArray(body["stop_sequences"]),
            HasCacheControl = cache,
        };
    }

    /// <summary>Reads a Gemini / Vertex <c>generateContent</c> body; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static ChatInput FromGemini(JsonObject body)
    {
        if (body["contents"] is not JsonArray { Count: > 0 } contents)
        {
            throw new FormatException("* GenerateContentRequest.contents: contents is not specified");
        }

        var tokens = 0;
        if (body["systemInstruction"] is JsonObject system)
        {
            tokens += Words.Count(GeminiText(system["parts"] as JsonArray, out _)) + TokensPerMessage;
        }

        var lastUserText = string.Empty;
        string? toolResult = null;
        var lastIsUser = false;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not JsonObject content || content["parts"] is not JsonArray { Count: > 0 } parts)
            {
                throw new FormatException($"* GenerateContentRequest.contents[{i}].parts: contents.parts must not be empty.");
            }

            var role = content.GetString("role") ?? "user";
            if (role is not ("user" or "model"))
            {
                throw new FormatException($"Please use a valid role: user, model.");
            }

            var text = GeminiText(parts, out var results);
            tokens += Words.Count(text) + Words.Count(results) + TokensPerMessage;
            toolResult = role == "user" ? results : null;
            lastIsUser = role == "user" && results is null;
            if (lastIsUser)
            {
                lastUserText = text;
            }
        }

        var generation = body["generationConfig"] as JsonObject;
        var mode = body["toolConfig"]?["functionCallingConfig"]?["mode"].AsString();
        var declarations = body["tools"] is JsonArray tools
            ? tools.OfType<JsonObject>().SelectMany(t => t["functionDeclarations"] as JsonArray ?? []).OfType<JsonObject>().ToList()
            : [];
        var allowed = body["toolConfig"]?["functionCallingConfig"]?["allowedFunctionNames"] is JsonArray names ? names[0].AsString() : null;
        return new ChatInput
        {
            PromptTokens = tokens,
            LastUserText = lastUserText,
            LastIsUser = lastIsUser,
            ToolResultText = toolResult,
            ToolToCall = lastIsUser && declarations.Count > 0 && mode != "NONE" ? allowed ?? declarations[0].GetString("name") : null,
            MaxTokens = generation is null ? null : ReadInt(generation, "maxOutputTokens"),
            StopSequences = StringOrArray(generation?["stopSequences"]),
        };
    }

    /// <summary>Reads a Bedrock Converse body; throws <see cref="FormatException"/> (a ValidationException) when it is malformed.</summary>
    public static ChatInput FromBedrock(JsonObject body)
    {
        if (body["messages"] is not JsonArray { Count: > 0 } messages)
        {
            throw new FormatException("A conversation must start with a user message. Try again with a conversation that starts with a user message.");
        }

        var tokens = 0;
        if (body["system"] is JsonArray system)
        {
            tokens += Words.Count(string.Join(" ", system.OfType<JsonObject>().Select(b => b.GetString("text")))) + TokensPerMessage;
        }

        string? expected = "user";
        var lastUserText = string.Empty;
        string? toolResult = null;
        var lastIsUser = false;
        foreach (var message in messages.OfType<JsonObject>())
        {
            var role = message.GetString("role");
            if (role != expected)
            {
                throw new FormatException(expected == "user" && role == "assistant" && lastUserText.Length == 0 && toolResult is null
                    ? "A conversation must start with a user message. Try again with a conversation that starts with a user message."
                    : "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.");
            }

            expected = role == "user" ? "assistant" : "user";
            if (message["content"] is not JsonArray { Count: > 0 } blocks)
            {
                throw new FormatException("The content field in the Message object is empty. Add a ContentBlock object to the content field and try again.");
            }

            var texts = new List<string>();
            string? results = null;
            foreach (var block in blocks.OfType<JsonObject>())
            {
                if (block.GetString("text") is string text)
                {
                    if (text.Trim().Length == 0)
                    {
                        throw new FormatException("The text field in the ContentBlock object is blank. Add text to the text field, and try again.");
                    }

                    texts.Add(text);
                }
                else if (block["toolUse"] is JsonObject use)
                {
                    texts.Add(use.GetString("name") + " " + use["input"]?.ToJsonString());
                }
                else if (block["toolResult"] is JsonObject result)
                {
                    var resultText = string.Join(" ", (result["content"] as JsonArray ?? []).OfType<JsonObject>().Select(c => c.GetString("text") ?? c["json"]?.ToJsonString()));
                    results = results is null ? resultText : results + " " + resultText;
                }
            }

            var joined = string.Join(" ", texts);
            tokens += Words.Count(joined) + Words.Count(results) + TokensPerMessage;
            toolResult = role == "user" ? results : null;
            lastIsUser = role == "user" && results is null;
            if (lastIsUser)
            {
                lastUserText = joined;
            }
        }

        var specs = (body["toolConfig"]?["tools"] as JsonArray ?? []).OfType<JsonObject>().Select(t => t["toolSpec"]?["name"].AsString()).OfType<string>().ToList();
        var forced = body["toolConfig"]?["toolChoice"]?["tool"]?["name"].AsString();
        var inference = body["inferenceConfig"] as JsonObject;
        return new ChatInput
        {
            PromptTokens = tokens,
            LastUserText = lastUserText,
            LastIsUser = lastIsUser,
            ToolResultText = toolResult,
            ToolToCall = lastIsUser && specs.Count > 0 ? forced ?? specs[0] : null,
            MaxTokens = inference is null ? null : ReadInt(inference, "maxTokens"),
            StopSequences = StringOrArray(inference?["stopSequences"]),
        };
    }

    /// <summary>The text parts joined; function responses go to <paramref name="results"/> (their <c>response</c> JSON).</summary>
    private static string GeminiText(JsonArray? parts, out string? results)
    {
        results = null;
        var texts = new List<string>();
        foreach (var part in parts?.OfType<JsonObject>() ?? [])
        {
            if (part.GetString("text") is string text)
            {
                texts.Add(text);
            }
            else if (part["functionCall"] is JsonObject call)
            {
                texts.Add(call.GetString("name") + " " + call["args"]?.ToJsonString());
            }
            else if (part["functionResponse"] is JsonObject response)
            {
                var value = response["response"];
                var shown = value is JsonObject o && o.Count == 1 && o["content"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();
                results = results is null ? shown : results + " " + shown;
            }
        }

        return string.Join(" ", texts);
    }

    /// <summary>Text of an OpenAI message content: a string, or an array of parts whose text parts are joined.</summary>
    public static string ContentText(JsonNode? content) => content switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray parts => string.Join(" ", parts.Select(PartText).Where(t => t.Length > 0)),
        _ => string.Empty,
    };

    private static string PartText(JsonNode? part) => part switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o => o.GetString("text") ?? string.Empty,
        _ => string.Empty,
    };

    private static string AnthropicContentText(JsonNode? content, ref bool cache, bool includeToolResults)
    {
        if (content is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }

        if (content is not JsonArray blocks)
        {
            return string.Empty;
        }

        var texts = new List<string>();
        foreach (var block in blocks.OfType<JsonObject>())
        {
            cache |= block.ContainsKey("cache_control");
            switch (block.GetString("type"))
            {
                case "text":
                    texts.Add(block.GetString("text") ?? string.Empty);
                    break;
                case "tool_use":
                    texts.Add((block.GetString("name") ?? string.Empty) + " " + (block["input"]?.ToJsonString() ?? string.Empty));
                    break;
                case "tool_result" when includeToolResults:
                    var ignored = false;
                    texts.Add(AnthropicContentText(block["content"], ref ignored, includeToolResults: false));
                    break;
                default:
                    break;
            }
        }

        return string.Join(" ", texts.Where(t => t.Length > 0));
    }

    private static string? ToolResultsText(JsonNode? content)
    {
        if (content is not JsonArray blocks)
        {
            return null;
        }

        var results = blocks.OfType<JsonObject>().Where(b => b.GetString("type") == "tool_result").ToList();
        if (results.Count == 0)
        {
            return null;
        }

        var ignored = false;
        return string.Join(" ", results.Select(r => AnthropicContentText(r["content"], ref ignored, includeToolResults: false)));
    }

    private static string? OpenAIToolToCall(JsonObject body)
    {
        if (body["tools"] is not JsonArray { Count: > 0 } tools)
        {
            return null;
        }

        switch (body["tool_choice"])
        {
            case JsonValue v when v.TryGetValue<string>(out var choice) && choice == "none":
                return null;
            case JsonObject named when named["function"] is JsonObject function && function["name"].AsString() is string name:
                return name;
            default:
                return tools[0]?["function"]?["name"].AsString() ?? tools[0]?["name"].AsString();
        }
    }

    private static string? AnthropicToolToCall(JsonObject body)
    {
        if (body["tools"] is not JsonArray { Count: > 0 } tools)
        {
            return null;
        }

        if (body["tool_choice"] is JsonObject choice)
        {
            switch (choice.GetString("type"))
            {
                case "none":
                    return null;
                case "tool" when choice.GetString("name") is string name:
                    return name;
                default:
                    break;
            }
        }

        return tools[0]?["name"].AsString();
    }

    private static int? ReadInt(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i : null;

    private static List<string> StringOrArray(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        JsonArray a => a.OfType<JsonValue>().Select(x => x.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList(),
        _ => [],
    };
}
