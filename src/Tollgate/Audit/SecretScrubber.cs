using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using Tollgate.Observability;

namespace Tollgate.Audit;

/// <summary>
/// Masks secret fields of a JSON document before it goes into the audit log: every string under a name that holds
/// secrets (<c>value</c>, <c>password</c>, <c>client_secret</c>, ...) becomes <see cref="SecretMask"/>'s hint, which keeps
/// <c>env.</c>/<c>file.</c>/<c>vault.</c> references readable. Text that is not JSON is not kept at all.
/// </summary>
internal static class SecretScrubber
{
    private static readonly FrozenSet<string> SecretNames = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "value", "key", "api_key", "secret", "client_secret", "password", "current_password", "new_password", "token",
        "private_key", "secret_access_key", "session_token", "secret_id", "access_token", "refresh_token", "authorization",
        "credentials", "key_hash", "previous_key_hash", "password_hash");

    public const int MaxLength = 64 * 1024;

    public static string? Scrub(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        if (json.Length > MaxLength)
        {
            return "{\"truncated\":true}";
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                Write(writer, document.RootElement, secret: false);
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a name or string that does not transcode (an unpaired surrogate escape).
            return "{\"unreadable\":true}";
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, bool secret)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, secret || SecretNames.Contains(property.Name));
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, secret);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String when secret:
                writer.WriteStringValue(SecretMask.Mask(element.GetString()));
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
