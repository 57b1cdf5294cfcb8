using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace Tollgate.Tests.Fuzz;

/// <summary>
/// Turns a valid seed body and a list of <see cref="Mutation"/>s (drawn by CsCheck) into the bytes an attacker would send.
/// Hostile values are spliced in as raw text, so the body can hold what no serializer writes: unpaired surrogate
/// escapes, bytes that are not UTF-8, duplicate keys.
/// </summary>
public static class BodyMutator
{
    public static readonly Gen<Mutation[]> Mutations =
        Gen.Select(Gen.Enum<MutationKind>(), Gen.UInt, Gen.Int[0, 1 << 20], (kind, where, what) => new Mutation(kind, where, what)).Array[1, 4];

    /// <summary>Values that broke, or could break, a reader, a transcoder, a header write or a type check.</summary>
    private static readonly string[] Fragments =
    [
        "\"\\ud800\"", "\"x\\udc00y\"", "\"\\udbff\\udbff\"", "\"\\u0000\"", "\"gpt\\u0000mini\"", "\"a\\u0001b\\u001f\"",
        "\"\\r\\nx-injected: 1\"", "\"\\u007f\\u0085\\u2028\"", "\"yes\"", "\"true\"", "\"false\"", "\"\"", "\" \"", "\"null\"",
        "\"openai/\"", "\"/\"", "\"openai/gpt-4o-mini\"", "\"anthropic/claude-3-5-haiku\"", "\"%00\"", "\"\\\"\"", "\"\\\\\"",
        "\"\u00e9\u4e2d\ud83d\ude00\"", "1", "-1", "0", "-0", "1.5", "1e999", "-1e999", "2147483648", "-2147483649",
        "18446744073709551616", "1E+2", "null", "true", "false", "{}", "[]", "[null]", "[1]", "[\"\"]", "[[]]", "[{}]",
        "{\"\":{}}", "{\"type\":null}", "[\"\\ud800\"]", "{\"\\ud800\":1}", "{\"a\":\"\\u0000\"}",
        new string('[', 300) + new string(']', 300), "\"" + new string('x', 70_000) + "\"",
        "[" + string.Join(',', Enumerable.Repeat("\"gpt\"", 500)) + "]",
    ];

    /// <summary>Bytes that are not UTF-8, placed inside a string literal.</summary>
    private static readonly byte[][] BadUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0x80], [0xC0, 0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x00], [0x01], [0x7F],
    ];

    /// <summary>Field names the gateway sniffs or translates, or that providers give meaning to.</summary>
    private static readonly string[] FieldNames =
    [
        "model", "stream", "stream_options", "include_usage", "max_tokens", "max_completion_tokens", "max_output_tokens",
        "encoding_format", "fallbacks", "metadata", "messages", "input", "prompt", "tools", "tool_choice", "n", "temperature",
        "top_p", "user", "system", "instructions", "previous_response_id", "store", "response_format", "dimensions", "stop",
        "role", "content", "type", "text", "tool_calls", "function", "arguments", "name", "parameters", "image_url", "url",
        "source", "media_type", "data", "id", "tool_use_id", "thinking", "budget_tokens", "reasoning", "effort", "output",
        "call_id", "cache_control", "logprobs", "seed", "parallel_tool_calls", "stop_sequences", "top_k", "value", "models",
        "keys", "weight", "budget_id", "rate_limit_id", "max_limit", "reset_duration", "provider_configs", "allowed_models",
        "base_url", "password", "username", "is_active", "team_id", "customer_id", "request_max_limit", "token_max_limit",
    ];

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Apply(string seed, IReadOnlyList<Mutation> mutations)
    {
        var root = JsonNode.Parse(seed)!;
        var splices = new List<byte[]>();
        foreach (var mutation in mutations)
        {
            ApplyStructural(root, mutation, splices);
        }

        var bytes = Splice(Encoding.UTF8.GetBytes(root.ToJsonString(Relaxed)), splices);
        foreach (var mutation in mutations)
        {
            bytes = ApplyBytes(bytes, mutation);
        }

        return bytes;
    }

    /// <summary>The body as printable text for a failure message: non-ASCII and control bytes as \xNN, capped.</summary>
    public static string Describe(byte[] body)
    {
        var text = new StringBuilder();
        foreach (var b in body.Take(600))
        {
            text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return body.Length > 600 ? text.Append($"... ({body.Length} bytes)").ToString() : text.ToString();
    }

    private static void ApplyStructural(JsonNode root, Mutation mutation, List<byte[]> splices)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var what = mutation.What;
        switch (mutation.Kind)
        {
            case MutationKind.ReplaceValue when nodes.Count > 1:
                Replace(nodes[1 + (int)(mutation.Where % (uint)(nodes.Count - 1))], Placeholder(splices, Fragment(what)));
                break;
            case MutationKind.RemoveMember:
                var members = nodes.Where(n => n.Parent is JsonObject).ToList();
                if (members.Count > 0)
                {
                    var member = members[(int)(mutation.Where % (uint)members.Count)];
                    ((JsonObject)member.Parent!).Remove(member.GetPropertyName());
                }

                break;
            case MutationKind.AddMember:
            case MutationKind.DuplicateMember:
                var objects = nodes.OfType<JsonObject>().ToList();
                var target = objects[(int)(mutation.Where % (uint)objects.Count)];
                var name = mutation.Kind == MutationKind.DuplicateMember && target.Count > 0
                    ? target.ElementAt(what % target.Count).Key
                    : FieldNames[what % FieldNames.Length];
                // The key is spliced too, so a duplicate of an existing key survives serialisation.
                var key = Placeholder(splices, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(name)));
                target[key] = Placeholder(splices, Fragment(what / FieldNames.Length));
                break;
            case MutationKind.RawStringBytes:
                var strings = nodes.Where(n => n is JsonValue value && value.GetValueKind() == JsonValueKind.String
                    && !value.GetValue<string>().StartsWith("@@splice", StringComparison.Ordinal)).ToList();
                if (strings.Count > 0)
                {
                    var victim = strings[(int)(mutation.Where % (uint)strings.Count)];
                    var text = victim.GetValue<string>();
                    var bad = BadUtf8[what % BadUtf8.Length];
                    var cut = Math.Min(text.Length, what / BadUtf8.Length % (text.Length + 1));
                    byte[] literal = [(byte)'"', .. Encoding.UTF8.GetBytes(JsonEncodedText.Encode(text[..cut]).ToString()), .. bad,
                        .. Encoding.UTF8.GetBytes(JsonEncodedText.Encode(text[cut..]).ToString()), (byte)'"'];
                    Replace(victim, Placeholder(splices, literal));
                }

                break;
        }
    }

    private static byte[] ApplyBytes(byte[] body, Mutation mutation)
    {
        if (body.Length == 0)
        {
            return body;
        }

        var at = (int)(mutation.Where % (uint)body.Length);
        switch (mutation.Kind)
        {
            case MutationKind.FlipByte:
                var copy = (byte[])body.Clone();
                copy[at] = (byte)mutation.What;
                return copy;
            case MutationKind.Truncate:
                return body[..at];
            default:
                return body;
        }
    }

    private static byte[] Fragment(int what) => Encoding.UTF8.GetBytes(Fragments[what % Fragments.Length]);

    private static string Placeholder(List<byte[]> splices, byte[] raw)
    {
        splices.Add(raw);
        return $"@@splice{splices.Count - 1}@@";
    }

    /// <summary>Replaces each quoted placeholder with its raw bytes.</summary>
    private static byte[] Splice(byte[] json, List<byte[]> splices)
    {
        if (splices.Count == 0)
        {
            return json;
        }

        var output = new List<byte>(json.Length + 256);
        var text = json.AsSpan();
        while (text.Length > 0)
        {
            var start = text.IndexOf("\"@@splice"u8);
            if (start < 0)
            {
                output.AddRange(text);
                break;
            }

            output.AddRange(text[..start]);
            var rest = text[(start + 9)..];
            var end = rest.IndexOf("@@\""u8);
            var index = int.Parse(Encoding.ASCII.GetString(rest[..end]), System.Globalization.CultureInfo.InvariantCulture);
            output.AddRange(splices[index]);
            text = rest[(end + 3)..];
        }

        return [.. output];
    }

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }

        nodes.Add(node);
        if (node is JsonObject obj)
        {
            foreach (var (_, child) in obj.ToList())
            {
                Collect(child, nodes);
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array.ToList())
            {
                Collect(child, nodes);
            }
        }
    }

    private static void Replace(JsonNode node, string placeholder)
    {
        switch (node.Parent)
        {
            case JsonObject parent:
                parent[node.GetPropertyName()] = placeholder;
                break;
            case JsonArray array:
                array[node.GetElementIndex()] = placeholder;
                break;
        }
    }
}
