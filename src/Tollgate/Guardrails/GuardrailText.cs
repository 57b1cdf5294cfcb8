using System.Text.Json.Nodes;

namespace Tollgate.Guardrails;

/// <summary>
/// Finds the text of a request or answer in its JSON: chat <c>messages[].content</c> (strings or text parts),
/// <c>prompt</c>, <c>input</c>, and in answers and stream events every <c>content</c>, <c>text</c>, <c>delta</c> and
/// <c>output_text</c> string, which covers OpenAI chat, Anthropic messages and Responses events alike.
/// </summary>
internal static class GuardrailText
{
    private static readonly string[] RequestFields = ["messages", "prompt", "input", "system", "instructions"];

    /// <summary>The string nodes holding request text, in document order.</summary>
    public static void RequestStrings(JsonNode root, List<(JsonNode Parent, object Key, string Text)> found)
    {
        if (root is not JsonObject obj)
        {
            return;
        }

        foreach (var field in RequestFields)
        {
            if (obj[field] is { } node)
            {
                Walk(obj, field, node, found, requestSide: true);
            }
        }
    }

    /// <summary>The string nodes holding answer text (any depth).</summary>
    public static void AnswerStrings(JsonNode root, List<(JsonNode Parent, object Key, string Text)> found) =>
        Walk(null, string.Empty, root, found, requestSide: false);

    private static void Walk(JsonNode? parent, object key, JsonNode node, List<(JsonNode, object, string)> found, bool requestSide)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToArray())
                {
                    if (child is null)
                    {
                        continue;
                    }

                    if (child is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        if (name is "content" or "text" or "delta" or "output_text" or "arguments" or "input" or "prompt")
                        {
                            found.Add((obj, name, text));
                        }
                    }
                    else if (!requestSide || name is not ("role" or "name" or "type" or "image_url"))
                    {
                        Walk(obj, name, child, found, requestSide);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        Walk(array, i, item, found, requestSide);
                    }
                }

                break;
            case JsonValue value when parent is not null && requestSide && value.TryGetValue<string>(out var s):
                found.Add((parent, key, s));
                break;
        }
    }

    public static void Replace(JsonNode parent, object key, string text)
    {
        if (key is int index)
        {
            ((JsonArray)parent)[index] = text;
        }
        else
        {
            ((JsonObject)parent)[(string)key] = text;
        }
    }
}
