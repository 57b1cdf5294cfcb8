using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Providers.Translation;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// Writes a Converse body from an OpenAI chat request: system text ─► <c>system[].text</c>; turns ─► <c>messages[]</c> of
/// content blocks (<c>text</c>, <c>image</c> from data URLs, <c>toolUse</c>, <c>toolResult</c>); tools ─►
/// <c>toolConfig.tools[].toolSpec.inputSchema.json</c>; sampling ─► <c>inferenceConfig</c>. Converse wants roles to
/// alternate, so a tool result joins the user turn around it and consecutive turns of one role are merged.
/// </summary>
internal static class ConverseRequestWriter
{
    public static GatewayError? Write(ChatRequest request, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("messages"u8);
        string? open = null;
        foreach (var turn in request.Turns)
        {
            var role = turn.Role == ChatTurnRole.Assistant ? "assistant" : "user";
            if (role != open)
            {
                if (open is not null)
                {
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteStartObject();
                writer.WriteString("role"u8, role);
                writer.WriteStartArray("content"u8);
                open = role;
            }

            if (WriteBlocks(turn, writer) is { } error)
            {
                return error;
            }
        }

        if (open is not null)
        {
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (request.System.Count > 0)
        {
            writer.WriteStartArray("system"u8);
            foreach (var text in request.System)
            {
                writer.WriteStartObject();
                writer.WriteString("text"u8, text);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteStartObject("inferenceConfig"u8);
        if (request.MaxTokens is { } max)
        {
            writer.WriteNumber("maxTokens"u8, max);
        }

        if (request.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature"u8, temperature);
        }

        if (request.TopP is { } topP)
        {
            writer.WriteNumber("topP"u8, topP);
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

        writer.WriteEndObject();

        // Converse needs toolConfig whenever the history holds toolUse blocks, even when no tool may be called now.
        if (request.Tools.Count > 0)
        {
            writer.WriteStartObject("toolConfig"u8);
            writer.WriteStartArray("tools"u8);
            foreach (var tool in request.Tools)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("toolSpec"u8);
                writer.WriteString("name"u8, tool.Name);
                if (tool.Description is not null)
                {
                    writer.WriteString("description"u8, tool.Description);
                }

                writer.WriteStartObject("inputSchema"u8);
                writer.WritePropertyName("json"u8);
                JsonText.WriteRaw(writer, tool.ParametersJson);
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (request.ToolChoice is ToolChoiceKind.Required or ToolChoiceKind.Named)
            {
                writer.WriteStartObject("toolChoice"u8);
                if (request.ToolChoice == ToolChoiceKind.Named)
                {
                    writer.WriteStartObject("tool"u8);
                    writer.WriteString("name"u8, request.ToolChoiceName);
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteStartObject("any"u8);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        return null;
    }

    private static GatewayError? WriteBlocks(ChatTurn turn, Utf8JsonWriter writer)
    {
        if (turn.Role == ChatTurnRole.Tool)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("toolResult"u8);
            writer.WriteString("toolUseId"u8, turn.ToolCallId);
            writer.WriteStartArray("content"u8);
            writer.WriteStartObject();
            writer.WriteString("text"u8, turn.Text);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            return null;
        }

        foreach (var part in turn.Parts)
        {
            if (part.Text is not null)
            {
                // Converse refuses blank text blocks.
                if (part.Text.Length > 0)
                {
                    writer.WriteStartObject();
                    writer.WriteString("text"u8, part.Text);
                    writer.WriteEndObject();
                }

                continue;
            }

            if (!part.TryGetInlineImage(out var mediaType, out var data))
            {
                return GatewayError.BadRequest("Bedrock takes images as data: URLs (base64), not links.", "messages");
            }

            writer.WriteStartObject();
            writer.WriteStartObject("image"u8);
            writer.WriteString("format"u8, mediaType.StartsWith("image/", StringComparison.Ordinal) ? mediaType["image/".Length..] : mediaType);
            writer.WriteStartObject("source"u8);
            writer.WriteString("bytes"u8, data);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        foreach (var call in turn.ToolCalls)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("toolUse"u8);
            writer.WriteString("toolUseId"u8, call.Id);
            writer.WriteString("name"u8, call.Name);
            writer.WritePropertyName("input"u8);
            JsonText.WriteArgumentsObject(writer, call.Arguments);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return null;
    }
}
