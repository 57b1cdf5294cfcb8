using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tollgate.Caching;

/// <summary>
/// What the semantic cache embeds and what must match exactly: the text of the last user message, and the body without
/// it (model, parameters, tools and every earlier turn), which keys the group of comparable vectors.
/// </summary>
internal static class SemanticPrompt
{
    /// <summary>The last user turn's text and the rest of the body as JSON; null when there is no user text.</summary>
    public static (string Text, byte[] Context)? Split(ReadOnlyMemory<byte> body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body.Span);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root is not JsonObject request || request["messages"] is not JsonArray messages)
        {
            return null;
        }

        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i] is JsonObject message && message["role"]?.GetValueKind() == JsonValueKind.String
                && message["role"]!.GetValue<string>() == "user")
            {
                var text = Text(message["content"]);
                if (text.Length == 0)
                {
                    return null;
                }

                messages.RemoveAt(i);
                return (text, JsonSerializer.SerializeToUtf8Bytes(request, CachingJsonContext.Default.JsonObject));
            }
        }

        return null;
    }

    private static string Text(JsonNode? content)
    {
        if (content is JsonValue value && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        var builder = new StringBuilder();
        if (content is JsonArray parts)
        {
            foreach (var part in parts)
            {
                if (part?["text"] is JsonValue piece && piece.TryGetValue<string>(out var partText))
                {
                    builder.Append(builder.Length > 0 ? "\n" : string.Empty).Append(partText);
                }
            }
        }

        return builder.ToString();
    }
}
