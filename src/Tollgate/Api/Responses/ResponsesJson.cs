using System.Text.Json;

namespace Tollgate.Api.Responses;

/// <summary>Small checks over the request document, and validation errors worded the way OpenAI words them.</summary>
internal static class ResponsesJson
{
    /// <summary>Present and not null: SDKs send <c>"instructions": null</c> for "none".</summary>
    public static bool IsSet(JsonElement value) => value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    /// <summary>Whether the element is this exact string; false, not an exception, for any other kind.</summary>
    public static bool IsString(JsonElement value, ReadOnlySpan<byte> text) =>
        value.ValueKind == JsonValueKind.String && value.ValueEquals(text);

    public static bool IsNonEmptyString(JsonElement value) => value.ValueKind == JsonValueKind.String && !value.ValueEquals(""u8);

    /// <summary>Whether the element is an object whose <c>type</c> is <paramref name="type"/>.</summary>
    public static bool IsType(JsonElement element, ReadOnlySpan<byte> type) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type"u8, out var value) && IsString(value, type);

    /// <summary>The element's <c>type</c> string, for error messages; null when it has none.</summary>
    public static string? TypeOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type"u8, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static ResponsesError Missing(string param) => new($"Missing required parameter: '{param}'.", param);

    /// <param name="expected">As OpenAI says it: "a string", "a decimal", "an integer", "a boolean", "an array", "an object".</param>
    public static ResponsesError InvalidType(string param, string expected, JsonElement actual) =>
        new($"Invalid type for '{param}': expected {expected}, but got {KindName(actual)} instead.", param);

    public static ResponsesError InvalidValue(string param, string? value, string supported) =>
        new($"Invalid value: '{value}'. Supported values are: {supported}.", param);

    public static ResponsesError Unsupported(string param, string message) => new(message, param);

    private static string KindName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "an integer" : "a decimal",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
