using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Providers.Translation;

namespace Tollgate.Providers.Google;

/// <summary>
/// Writes a <c>generateContent</c> body (Gemini API and Vertex AI share it) from an OpenAI chat request:
/// <code>
///   system messages ─► systemInstruction.parts[].text
///   user / assistant ─► contents[] role "user" / "model"; image data URLs ─► inlineData, other URLs ─► fileData
///   tool_calls ───────► functionCall {name, args}; tool results ─► functionResponse {name, response} in a user turn
///   tools, tool_choice ► tools[].functionDeclarations (parametersJsonSchema), toolConfig.functionCallingConfig
///   sampling, stop, response_format ─► generationConfig
/// </code>
/// Consecutive tool results go into one user turn, as Gemini expects all responses to one model turn together.
/// </summary>
internal static class GeminiRequestWriter
{
    public static GatewayError? Write(ChatRequest request, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("contents"u8);
        ChatTurnRole? open = null;
        foreach (var turn in request.Turns)
        {
            // A tool result is a user turn for Gemini; merge runs of them.
            var mergeable = turn.Role == ChatTurnRole.Tool && open == ChatTurnRole.Tool;
            if (!mergeable)
            {
                if (open is not null)
                {
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteStartObject();
                writer.WriteString("role"u8, turn.Role == ChatTurnRole.Assistant ? "model"u8 : "user"u8);
                writer.WriteStartArray("parts"u8);
                open = turn.Role;
            }

            WriteParts(turn, writer);
        }

        if (open is not null)
        {
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();

        if (request.System.Count > 0)
        {
            writer.WriteStartObject("systemInstruction"u8);
            writer.WriteStartArray("parts"u8);
            foreach (var text in request.System)
            {
                writer.WriteStartObject();
                writer.WriteString("text"u8, text);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (request.Tools.Count > 0)
        {
            writer.WriteStartArray("tools"u8);
            writer.WriteStartObject();
            writer.WriteStartArray("functionDeclarations"u8);
            foreach (var tool in request.Tools)
            {
                writer.WriteStartObject();
                writer.WriteString("name"u8, tool.Name);
                if (tool.Description is not null)
                {
                    writer.WriteString("description"u8, tool.Description);
                }

                // parametersJsonSchema takes JSON Schema as OpenAI clients write it; "parameters" takes only an OpenAPI subset
                // and rejects additionalProperties, which most generated schemas carry.
                writer.WritePropertyName("parametersJsonSchema"u8);
                JsonText.WriteRaw(writer, tool.ParametersJson);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();

            writer.WriteStartObject("toolConfig"u8);
            writer.WriteStartObject("functionCallingConfig"u8);
            writer.WriteString("mode"u8, request.ToolChoice switch
            {
                ToolChoiceKind.None => "NONE",
                ToolChoiceKind.Required or ToolChoiceKind.Named => "ANY",
                _ => "AUTO",
            });
            if (request.ToolChoice == ToolChoiceKind.Named)
            {
                writer.WriteStartArray("allowedFunctionNames"u8);
                writer.WriteStringValue(request.ToolChoiceName);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        WriteGenerationConfig(request, writer);
        writer.WriteEndObject();
        return null;
    }

    private static void WriteParts(ChatTurn turn, Utf8JsonWriter writer)
    {
        if (turn.Role == ChatTurnRole.Tool)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("functionResponse"u8);
            writer.WriteString("name"u8, turn.ToolName);
            writer.WritePropertyName("response"u8);
            WriteToolResponse(turn.Text, writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
            return;
        }

        foreach (var part in turn.Parts)
        {
            writer.WriteStartObject();
            if (part.Text is not null)
            {
                writer.WriteString("text"u8, part.Text);
            }
            else if (part.TryGetInlineImage(out var mediaType, out var data))
            {
                writer.WriteStartObject("inlineData"u8);
                writer.WriteString("mimeType"u8, mediaType);
                writer.WriteString("data"u8, data);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteStartObject("fileData"u8);
                writer.WriteString("mimeType"u8, MediaTypeOf(part.ImageUrl!));
                writer.WriteString("fileUri"u8, part.ImageUrl);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        foreach (var call in turn.ToolCalls)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("functionCall"u8);
            writer.WriteString("name"u8, call.Name);
            writer.WritePropertyName("args"u8);
            JsonText.WriteArgumentsObject(writer, call.Arguments);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }

    /// <summary>functionResponse.response must be an object: a JSON object result goes as is, anything else as <c>{"content": text}</c>.</summary>
    private static void WriteToolResponse(string text, Utf8JsonWriter writer)
    {
        if (text.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    document.RootElement.WriteTo(writer);
                    return;
                }
            }
            catch (JsonException)
            {
            }
        }

        writer.WriteStartObject();
        writer.WriteString("content"u8, text);
        writer.WriteEndObject();
    }

    private static void WriteGenerationConfig(ChatRequest request, Utf8JsonWriter writer)
    {
        writer.WriteStartObject("generationConfig"u8);
        if (request.MaxTokens is { } max)
        {
            writer.WriteNumber("maxOutputTokens"u8, max);
        }

        if (request.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature"u8, temperature);
        }

        if (request.TopP is { } topP)
        {
            writer.WriteNumber("topP"u8, topP);
        }

        if (request.TopK is { } topK)
        {
            writer.WriteNumber("topK"u8, topK);
        }

        if (request.Seed is { } seed)
        {
            writer.WriteNumber("seed"u8, seed);
        }

        if (request.PresencePenalty is { } presence)
        {
            writer.WriteNumber("presencePenalty"u8, presence);
        }

        if (request.FrequencyPenalty is { } frequency)
        {
            writer.WriteNumber("frequencyPenalty"u8, frequency);
        }

        if (request.Stop.Count > 0)
        {
            writer.WriteStartArray("stopSequences"u8);
            foreach (var stop in request.Stop)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        if (request.JsonMode)
        {
            writer.WriteString("responseMimeType"u8, "application/json"u8);
            if (request.JsonSchema is { } schema)
            {
                writer.WritePropertyName("responseJsonSchema"u8);
                JsonText.WriteRaw(writer, schema);
            }
        }

        writer.WriteEndObject();
    }

    private static string MediaTypeOf(string url)
    {
        var path = url.Split('?', '#')[0];
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".gif" => "image/gif",
            ".webp" => "image/webp",
            ".pdf" => "application/pdf",
            _ => "image/jpeg",
        };
    }
}
