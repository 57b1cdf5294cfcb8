using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Emulator.Pipeline;

namespace Tollgate.Emulator.Providers;

/// <summary>
/// The Messages API's request checks that a translating gateway most often trips: unknown top-level fields,
/// a "system" role inside messages, OpenAI-style tools or content parts, and unpaired tool_use/tool_result.
/// Messages follow the API's "path: problem" style.
/// </summary>
internal static class AnthropicValidator
{
    private static readonly HashSet<string> MessageFields =
    [
        "model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream", "temperature", "top_p", "top_k",
        "tools", "tool_choice", "thinking", "service_tier", "container", "mcp_servers", "context_management",
    ];

    private static readonly HashSet<string> CountTokensFields =
        ["model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers", "context_management"];

    private static readonly string[] BlockTypes =
    [
        "text", "image", "document", "search_result", "tool_use", "tool_result", "server_tool_use", "web_search_tool_result",
        "thinking", "redacted_thinking", "container_upload",
    ];

    /// <summary>Null when the body is acceptable, else the <c>invalid_request_error</c> message.</summary>
    public static string? Validate(JsonObject body, bool countTokens)
    {
        var allowed = countTokens ? CountTokensFields : MessageFields;
        foreach (var (name, _) in body)
        {
            if (!allowed.Contains(name))
            {
                return $"{name}: Extra inputs are not permitted";
            }
        }

        if (body.GetString("model") is null)
        {
            return "model: Field required";
        }

        if (!countTokens)
        {
            if (!body.ContainsKey("max_tokens"))
            {
                return "max_tokens: Field required";
            }

            if (!body.TryGetInt("max_tokens", out var maxTokens) || maxTokens is null)
            {
                return "max_tokens: Input should be a valid integer";
            }

            if (maxTokens < 1)
            {
                return "max_tokens: Input should be greater than or equal to 1";
            }
        }

        if (body["temperature"] is JsonValue t && t.GetValueKind() == JsonValueKind.Number)
        {
            var temperature = t.GetValue<double>();
            if (temperature > 1)
            {
                return "temperature: Input should be less than or equal to 1";
            }

            if (temperature < 0)
            {
                return "temperature: Input should be greater than or equal to 0";
            }
        }

        return ValidateTools(body["tools"]) ?? ValidateMessages(body["messages"]);
    }

    private static string? ValidateTools(JsonNode? tools)
    {
        if (tools is null)
        {
            return null;
        }

        if (tools is not JsonArray array)
        {
            return "tools: Input should be a valid list";
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject tool)
            {
                return $"tools.{i}: Input should be a valid dictionary";
            }

            var type = tool.GetString("type");
            var custom = type is null or "custom";
            if (tool.GetString("name") is null)
            {
                return custom ? $"tools.{i}.custom.name: Field required" : $"tools.{i}.name: Field required";
            }

            if (custom && tool["input_schema"] is not JsonObject)
            {
                return $"tools.{i}.custom.input_schema: Field required";
            }
        }

        return null;
    }

    private static string? ValidateMessages(JsonNode? node)
    {
        if (node is null)
        {
            return "messages: Field required";
        }

        if (node is not JsonArray messages)
        {
            return "messages: Input should be a valid list";
        }

        if (messages.Count == 0)
        {
            return "messages: at least one message is required";
        }

        HashSet<string> previousToolUses = [];
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message)
            {
                return $"messages.{i}: Input should be a valid dictionary";
            }

            var role = message.GetString("role");
            if (role == "system")
            {
                return "messages: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.";
            }

            if (role is not ("user" or "assistant"))
            {
                return $"messages.{i}.role: Input should be 'user' or 'assistant'";
            }

            if (i == 0 && role != "user")
            {
                return "messages: first message must use the \"user\" role";
            }

            JsonArray? blocks = message["content"] switch
            {
                JsonValue v when v.TryGetValue<string>(out _) => new JsonArray(),
                JsonArray a => a,
                _ => null,
            };
            if (blocks is null)
            {
                return message.ContainsKey("content") ? $"messages.{i}.content: Input should be a valid string or list" : $"messages.{i}.content: Field required";
            }

            HashSet<string> toolUses = [];
            HashSet<string> toolResults = [];
            for (var j = 0; j < blocks.Count; j++)
            {
                if (blocks[j] is not JsonObject block)
                {
                    return $"messages.{i}.content.{j}: Input should be a valid dictionary";
                }

                var type = block.GetString("type");
                if (type is null || !BlockTypes.Contains(type))
                {
                    return $"messages.{i}.content.{j}.type: Input tag '{type}' found using 'type' does not match any of the expected tags: "
                        + string.Join(", ", BlockTypes.Select(b => $"'{b}'"));
                }

                if (type == "tool_use" && block.GetString("id") is string useId)
                {
                    toolUses.Add(useId);
                }

                if (type == "tool_result")
                {
                    var resultId = block.GetString("tool_use_id") ?? string.Empty;
                    if (role != "user" || !previousToolUses.Contains(resultId))
                    {
                        return $"messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` blocks: {resultId}. "
                            + "Each `tool_result` block must have a corresponding `tool_use` block in the previous message.";
                    }

                    toolResults.Add(resultId);
                }
            }

            var unanswered = previousToolUses.Except(toolResults).ToList();
            if (unanswered.Count > 0)
            {
                return $"messages.{i}: `tool_use` ids were found without `tool_result` blocks immediately after: {string.Join(", ", unanswered)}. "
                    + "Each `tool_use` block must have a corresponding `tool_result` block in the next message.";
            }

            previousToolUses = role == "assistant" ? toolUses : [];
        }

        return null;
    }
}
