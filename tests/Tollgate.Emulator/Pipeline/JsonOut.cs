using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tollgate.Emulator.Pipeline;

internal static class JsonOut
{
    // Real providers send UTF-8 text as is; the default encoder's \uXXXX escapes would hide encoding bugs in the gateway.
    public static JsonSerializerOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(JsonNode node) => node.ToJsonString(Options);

    /// <summary>Writes a whole JSON response with Content-Length, as the providers do for non-streaming answers.</summary>
    public static async Task WriteAsync(HttpContext ctx, int status, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(Serialize(body));
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }

    public static long UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N")[..24];

    public static string? GetString(this JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string? AsString(this JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool GetBool(this JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    /// <summary>Reads an integer field; false when present but not an integer.</summary>
    public static bool TryGetInt(this JsonObject obj, string name, out int? value)
    {
        value = null;
        var node = obj[name];
        if (node is null)
        {
            return true;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i))
        {
            value = i;
            return true;
        }

        if (node is JsonValue d && d.GetValueKind() == JsonValueKind.Number && d.TryGetValue<double>(out var x) && x == Math.Floor(x) && x is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)x;
            return true;
        }

        return false;
    }
}
