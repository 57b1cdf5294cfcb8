using System.Text.Json;

namespace Tollgate.Governance.Pricing;

/// <summary>
/// Parses the price catalog (<c>prices.json</c>) with <see cref="Utf8JsonReader"/>: decimals straight from the JSON
/// text (no double in between, so 0.075 stays 0.075), strict about names so a typo such as
/// <c>output_per_mtk</c> fails the build's tests instead of silently pricing a model at zero.
/// </summary>
internal static class PriceCatalogReader
{
    /// <summary>The only unit the catalog may be written in; checked so a file in per-1K prices cannot slip in.</summary>
    public const string Unit = "USD per 1M tokens";

    private static readonly JsonEncodedText UnitName = JsonEncodedText.Encode("unit");
    private static readonly JsonEncodedText NotesName = JsonEncodedText.Encode("notes");
    private static readonly JsonEncodedText ModelsName = JsonEncodedText.Encode("models");
    private static readonly JsonEncodedText InputName = JsonEncodedText.Encode("input_per_mtok");
    private static readonly JsonEncodedText OutputName = JsonEncodedText.Encode("output_per_mtok");
    private static readonly JsonEncodedText CachedInputName = JsonEncodedText.Encode("cached_input_per_mtok");
    private static readonly JsonEncodedText CacheWriteName = JsonEncodedText.Encode("cache_write_per_mtok");
    private static readonly JsonEncodedText MaxOutputName = JsonEncodedText.Encode("max_output_tokens");
    private static readonly JsonEncodedText ContextWindowName = JsonEncodedText.Encode("context_window");

    // Databricks publishes DBU rates; the file keeps them next to the derived USD so every number can be re-checked
    // against the price page (a test does). They are documentation here, not prices.
    private static readonly JsonEncodedText[] DbuNames =
    [
        JsonEncodedText.Encode("input_dbu_per_mtok"),
        JsonEncodedText.Encode("output_dbu_per_mtok"),
        JsonEncodedText.Encode("cached_input_dbu_per_mtok"),
        JsonEncodedText.Encode("cache_write_dbu_per_mtok"),
    ];

    /// <summary>Parses a catalog document; entries come back in file order, which decides ties between providers.</summary>
    /// <exception cref="InvalidDataException">The document is not a valid catalog.</exception>
    public static IReadOnlyList<KeyValuePair<string, ModelPrice>> Read(ReadOnlySpan<byte> json)
    {
        // Utf8JsonReader does not skip a byte-order mark; editors add one now and then.
        if (json.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        try
        {
            return ReadDocument(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The price catalog is not valid JSON: {e.Message}", e);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"The price catalog has a number out of range: {e.Message}", e);
        }
    }

    private static List<KeyValuePair<string, ModelPrice>> ReadDocument(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        Expect(ref reader, JsonTokenType.StartObject, "the document");
        string? unit = null;
        List<KeyValuePair<string, ModelPrice>>? models = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(UnitName.EncodedUtf8Bytes))
            {
                Expect(ref reader, JsonTokenType.String, "unit");
                unit = reader.GetString();
            }
            else if (reader.ValueTextEquals(NotesName.EncodedUtf8Bytes))
            {
                Next(ref reader);
                reader.Skip();
            }
            else if (reader.ValueTextEquals(ModelsName.EncodedUtf8Bytes))
            {
                models = ReadModels(ref reader);
            }
            else
            {
                throw new InvalidDataException($"Unknown property '{reader.GetString()}' at the top of the price catalog.");
            }
        }

        if (unit != Unit)
        {
            throw new InvalidDataException($"The price catalog must say \"unit\": \"{Unit}\", not '{unit}'.");
        }

        return models ?? throw new InvalidDataException("The price catalog has no \"models\" object.");
    }

    private static List<KeyValuePair<string, ModelPrice>> ReadModels(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, "models");
        var models = new List<KeyValuePair<string, ModelPrice>>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == key.Length - 1)
            {
                throw new InvalidDataException($"Price catalog key '{key}' is not '<provider type>/<model>'.");
            }

            if (!seen.Add(key))
            {
                throw new InvalidDataException($"Price catalog key '{key}' appears twice.");
            }

            models.Add(new(key, ReadEntry(ref reader, key)));
        }

        return models;
    }

    private static ModelPrice ReadEntry(ref Utf8JsonReader reader, string key)
    {
        Expect(ref reader, JsonTokenType.StartObject, key);
        decimal? input = null;
        decimal? output = null;
        decimal? cachedInput = null;
        decimal? cacheWrite = null;
        int? maxOutput = null;
        int? contextWindow = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(InputName.EncodedUtf8Bytes))
            {
                input = ReadPrice(ref reader, key);
            }
            else if (reader.ValueTextEquals(OutputName.EncodedUtf8Bytes))
            {
                output = ReadPrice(ref reader, key);
            }
            else if (reader.ValueTextEquals(CachedInputName.EncodedUtf8Bytes))
            {
                cachedInput = ReadPrice(ref reader, key);
            }
            else if (reader.ValueTextEquals(CacheWriteName.EncodedUtf8Bytes))
            {
                cacheWrite = ReadPrice(ref reader, key);
            }
            else if (reader.ValueTextEquals(MaxOutputName.EncodedUtf8Bytes))
            {
                maxOutput = ReadTokenCount(ref reader, key);
            }
            else if (reader.ValueTextEquals(ContextWindowName.EncodedUtf8Bytes))
            {
                contextWindow = ReadTokenCount(ref reader, key);
            }
            else if (IsDbuName(ref reader))
            {
                ReadPrice(ref reader, key);
            }
            else
            {
                throw new InvalidDataException($"Unknown property '{reader.GetString()}' in price catalog entry '{key}'.");
            }
        }

        return new ModelPrice
        {
            InputPerMTok = input ?? throw new InvalidDataException($"Price catalog entry '{key}' has no input_per_mtok."),
            OutputPerMTok = output ?? throw new InvalidDataException($"Price catalog entry '{key}' has no output_per_mtok."),
            CachedInputPerMTok = cachedInput,
            CacheWritePerMTok = cacheWrite,
            MaxOutputTokens = maxOutput,
            ContextWindow = contextWindow,
        };
    }

    private static bool IsDbuName(ref Utf8JsonReader reader)
    {
        foreach (var name in DbuNames)
        {
            if (reader.ValueTextEquals(name.EncodedUtf8Bytes))
            {
                return true;
            }
        }

        return false;
    }

    private static decimal? ReadPrice(ref Utf8JsonReader reader, string key)
    {
        if (Next(ref reader) == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var value) || value < 0)
        {
            throw new InvalidDataException($"Price catalog entry '{key}' has a price that is not a number >= 0.");
        }

        return value;
    }

    private static int? ReadTokenCount(ref Utf8JsonReader reader, string key)
    {
        if (Next(ref reader) == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value) || value <= 0)
        {
            throw new InvalidDataException($"Price catalog entry '{key}' has a token limit that is not a positive integer.");
        }

        return value;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new InvalidDataException("The price catalog ends early.");
        }

        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (Next(ref reader) != type)
        {
            throw new InvalidDataException($"In the price catalog, {what} should be {type}, not {reader.TokenType}.");
        }
    }
}
