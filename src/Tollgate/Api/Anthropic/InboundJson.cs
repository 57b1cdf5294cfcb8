using System.Text.Json;

namespace Tollgate.Api.Anthropic;

/// <summary>Small checks over the request document shared by the inbound request writers.</summary>
internal static class InboundJson
{
    public const string InvalidRequest = "invalid_request_error";

    /// <summary>An error in Anthropic's validation style: the field path, a colon, what is wrong.</summary>
    public static InboundError Invalid(string param, string message) => new(InvalidRequest, $"{param}: {message}", param);

    /// <summary>Present and not null: clients send <c>"system": null</c> for "none".</summary>
    public static bool IsSet(JsonElement value) => value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);

    /// <summary>Whether the element is this exact string; false, not an exception, for any other kind.</summary>
    public static bool IsString(JsonElement value, ReadOnlySpan<byte> text) =>
        value.ValueKind == JsonValueKind.String && value.ValueEquals(text);

    public static bool IsNonEmptyString(JsonElement value) => value.ValueKind == JsonValueKind.String && !value.ValueEquals(""u8);

    /// <summary>Whether the element is an object whose <c>type</c> is <paramref name="type"/>.</summary>
    public static bool IsBlock(JsonElement block, ReadOnlySpan<byte> type) =>
        block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type"u8, out var value) && IsString(value, type);

    public static bool HasString(JsonElement parent, ReadOnlySpan<byte> name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String;
}
