using System.Text.Json;

namespace Tollgate.Inference;

/// <summary>Extracts OpenAI-style <c>usage</c> from a response body or a stream chunk.</summary>
internal static class UsageReader
{
    private static ReadOnlySpan<byte> UsageName => "\"usage\""u8;

    /// <summary>Cheap pre-check: does the JSON carry a non-null <c>usage</c> object? Avoids parsing chunks that have none.</summary>
    public static bool MayContainUsage(ReadOnlySpan<byte> json)
    {
        var index = json.IndexOf(UsageName);
        if (index < 0)
        {
            return false;
        }

        var rest = json[(index + UsageName.Length)..].TrimStart(" \t\r\n:"u8);
        return rest.Length > 0 && rest[0] == (byte)'{';
    }

    /// <summary>Reads the top-level <c>usage</c>, and whether <c>choices</c> is present and empty (OpenAI's usage-only chunk).</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out TokenUsage usage, out bool emptyChoices)
    {
        usage = default;
        emptyChoices = false;
        var found = false;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(JsonFields.Usage.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        usage = ReadUsageObject(ref reader);
                        found = true;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals(JsonFields.Choices.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        emptyChoices = reader.TokenType == JsonTokenType.EndArray;
                        if (!emptyChoices)
                        {
                            // Skip the remaining elements of the array.
                            reader.Skip();
                            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                            {
                                reader.Skip();
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return found;
    }

    /// <summary>An OpenAI <c>usage</c> object, the reader on its opening brace; every OpenAI-dialect reader uses this one.</summary>
    public static TokenUsage ReadUsageObject(ref Utf8JsonReader reader)
    {
        int prompt = 0, completion = 0, cached = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(JsonFields.PromptTokens.EncodedUtf8Bytes))
            {
                reader.Read();
                prompt = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals(JsonFields.CompletionTokens.EncodedUtf8Bytes))
            {
                reader.Read();
                completion = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals(JsonFields.PromptTokensDetails.EncodedUtf8Bytes))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isCached = reader.ValueTextEquals(JsonFields.CachedTokens.EncodedUtf8Bytes);
                    reader.Read();
                    if (isCached)
                    {
                        cached = ReadInt(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new TokenUsage(prompt, completion, cached);
    }

    private static int ReadInt(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : 0;
}
