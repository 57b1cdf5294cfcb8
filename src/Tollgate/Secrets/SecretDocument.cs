using System.Collections.Frozen;
using System.Text.Json;

namespace Tollgate.Secrets;

/// <summary>
/// One secret as a store returned it: the raw text, and its fields when it is a JSON object (KV v2 data, an AWS
/// key/value secret). Equality on <see cref="Raw"/> tells the refresher whether a secret rotated.
/// </summary>
public sealed class SecretDocument
{
    private SecretDocument(string raw, FrozenDictionary<string, string>? fields)
    {
        Raw = raw;
        Fields = fields;
    }

    public string Raw { get; }

    public FrozenDictionary<string, string>? Fields { get; }

    /// <summary>A secret that is one text value; its fields are read if it happens to be a JSON object.</summary>
    public static SecretDocument FromText(string text) => new(text, TryReadFields(text));

    /// <summary>A secret that is a map of fields (Vault KV v2 <c>data.data</c>).</summary>
    public static SecretDocument FromObject(JsonElement data) => new(data.GetRawText(), ReadFields(data));

    /// <summary>The value a reference asks for, or null with <paramref name="error"/> naming what is missing (never a value).</summary>
    public string? Select(string? field, out string? error)
    {
        error = null;
        if (field is null)
        {
            if (Fields is null)
            {
                return Raw;
            }

            if (Fields.Count == 1)
            {
                return Fields.Values[0];
            }

            error = $"the secret has fields ({string.Join(", ", Fields.Keys.Order(StringComparer.Ordinal))}); name one after '#'";
            return null;
        }

        if (Fields is not null && Fields.TryGetValue(field, out var value))
        {
            return value;
        }

        error = Fields is null
            ? $"the secret is not a JSON object, so it has no field '{field}'"
            : $"the secret has no field '{field}' (fields: {string.Join(", ", Fields.Keys.Order(StringComparer.Ordinal))})";
        return null;
    }

    private static FrozenDictionary<string, string>? TryReadFields(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length == 0 || trimmed[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return ReadFields(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static FrozenDictionary<string, string>? ReadFields(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in data.EnumerateObject())
        {
            fields[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                _ => property.Value.GetRawText(),
            };
        }

        return fields.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
