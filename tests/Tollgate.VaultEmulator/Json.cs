using System.Text.Json;

namespace Tollgate.VaultEmulator;

/// <summary>Writes the stores' JSON answers; the emulator has no types to generate for, so a writer is simplest.</summary>
internal static class Json
{
    public static IResult Write(int status, Action<Utf8JsonWriter> write, string contentType = "application/json")
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Results.Text(System.Text.Encoding.UTF8.GetString(stream.ToArray()), contentType, System.Text.Encoding.UTF8, status);
    }

    public static async Task<JsonDocument?> ReadAsync(HttpRequest request)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Text(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
