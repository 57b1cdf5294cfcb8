using System.Text.Json;

namespace Tollgate.Inference;

/// <summary>
/// Reads the routing-relevant fields of a request body with <see cref="Utf8JsonReader"/>, skipping everything else
/// (messages, tools, ...) without materialising it. Malformed JSON is reported, not thrown past the API edge, and so is
/// every field it reads that has the wrong type, text that is not Unicode (an unpaired surrogate escape) or a second
/// occurrence: the gateway and the upstream must never read different values from one body (issue 20).
/// </summary>
internal static class RequestSniffer
{
    public const int MaxModelLength = 256;

    public static bool TrySniff(ReadOnlySpan<byte> body, out RequestSniff sniff, out string? error)
    {
        sniff = default;
        error = null;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The request body must be a JSON object.";
                return false;
            }

            var seen = Seen.None;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(JsonFields.Model.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (!Once(ref seen, Seen.Model, "model", out error) || !TryReadText(ref reader, "model", out sniff.Model, out error))
                    {
                        return false;
                    }

                    // It is echoed in x-tollgate-model and logged; no provider has model names anywhere near this long.
                    if (sniff.Model?.Length > MaxModelLength)
                    {
                        error = $"'model' is longer than {MaxModelLength} characters.";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals(JsonFields.Stream.EncodedUtf8Bytes))
                {
                    reader.Read();
                    // "stream": "yes" once went upstream as a stream and came back as if it were the JSON answer.
                    if (!Once(ref seen, Seen.Stream, "stream", out error) || !TryReadBoolean(ref reader, "stream", out sniff.Stream, out error))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals(JsonFields.StreamOptions.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (!Once(ref seen, Seen.StreamOptions, "stream_options", out error))
                    {
                        return false;
                    }

                    sniff.HasStreamOptions = true;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var isIncludeUsage = reader.ValueTextEquals(JsonFields.IncludeUsage.EncodedUtf8Bytes);
                            reader.Read();
                            if (!isIncludeUsage)
                            {
                                reader.Skip();
                            }
                            else if (!TryReadBoolean(ref reader, "stream_options.include_usage", out sniff.IncludeUsage, out error))
                            {
                                return false;
                            }
                        }
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        error = "'stream_options' must be an object.";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals(JsonFields.MaxTokens.EncodedUtf8Bytes) || reader.ValueTextEquals(JsonFields.MaxCompletionTokens.EncodedUtf8Bytes))
                {
                    var (flag, name) = reader.ValueTextEquals(JsonFields.MaxTokens.EncodedUtf8Bytes)
                        ? (Seen.MaxTokens, "max_tokens") : (Seen.MaxCompletionTokens, "max_completion_tokens");
                    reader.Read();
                    if (!Once(ref seen, flag, name, out error))
                    {
                        return false;
                    }

                    // The budget reservation prices the worst case from this number: one the gateway cannot read must not pass.
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var max) && max >= 0)
                    {
                        sniff.MaxTokens = max;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        error = $"'{name}' must be a non-negative integer.";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals(JsonFields.EncodingFormat.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (!Once(ref seen, Seen.EncodingFormat, "encoding_format", out error))
                    {
                        return false;
                    }

                    if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                    {
                        error = "'encoding_format' must be a string.";
                        return false;
                    }

                    sniff.HasEncodingFormat = true;
                    sniff.WantsBase64 = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(JsonFields.Base64.EncodedUtf8Bytes);
                }
                else if (reader.ValueTextEquals(JsonFields.Fallbacks.EncodedUtf8Bytes))
                {
                    if (!Once(ref seen, Seen.Fallbacks, "fallbacks", out error))
                    {
                        return false;
                    }

                    sniff.HasFallbacks = true;
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType != JsonTokenType.String || !TryReadText(ref reader, "fallbacks", out var fallback, out error) || fallback!.Length == 0)
                            {
                                error ??= "'fallbacks' must be an array of model names.";
                                return false;
                            }

                            (sniff.Fallbacks ??= []).Add(fallback);
                        }
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        error = "'fallbacks' must be an array of model names.";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("metadata"u8))
                {
                    reader.Read();
                    if (!Once(ref seen, Seen.Metadata, "metadata", out error))
                    {
                        return false;
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (!TryReadText(ref reader, "metadata", out var key, out error))
                        {
                            return false;
                        }

                        reader.Read();
                        if (reader.TokenType != JsonTokenType.String)
                        {
                            reader.Skip();
                        }
                        else if (TryReadText(ref reader, "metadata." + key, out var value, out error))
                        {
                            (sniff.Metadata ??= new Dictionary<string, string>(StringComparer.Ordinal))[key!] = value!;
                        }
                        else
                        {
                            return false;
                        }
                    }
                }
                else
                {
                    var field = reader.ValueTextEquals("messages"u8) ? Seen.Messages
                        : reader.ValueTextEquals("input"u8) ? Seen.Input
                        : reader.ValueTextEquals("prompt"u8) ? Seen.Prompt
                        : Seen.None;
                    if (field != Seen.None && !Once(ref seen, field, field.ToString().ToLowerInvariant(), out error))
                    {
                        return false;
                    }

                    sniff.HasMessages |= field == Seen.Messages;
                    sniff.HasInput |= field == Seen.Input;
                    sniff.HasPrompt |= field == Seen.Prompt;
                    reader.Read();
                    reader.Skip();
                }
            }

            return true;
        }
        catch (JsonException ex)
        {
            error = $"The request body is not valid JSON (byte {ex.BytePositionInLine}).";
            return false;
        }
        catch (InvalidOperationException)
        {
            // ValueTextEquals unescapes a name or value to compare it, and throws for an unpaired surrogate escape.
            error = "The request body holds text that is not valid Unicode (an unpaired surrogate escape).";
            return false;
        }
    }

    /// <summary>A string (or null) that transcodes: Utf8JsonReader throws for an unpaired surrogate escape or bytes that are not UTF-8.</summary>
    private static bool TryReadText(ref Utf8JsonReader reader, string field, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return true;
            }

            error = $"'{field}' must be a string.";
            return false;
        }

        try
        {
            value = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            error = $"'{field}' is not valid Unicode text (invalid UTF-8 or an unpaired surrogate escape).";
            return false;
        }
    }

    /// <summary>true, false or null (as false); anything else is refused rather than guessed at.</summary>
    private static bool TryReadBoolean(ref Utf8JsonReader reader, string field, out bool value, out string? error)
    {
        value = reader.TokenType == JsonTokenType.True;
        error = reader.TokenType is JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null ? null : $"'{field}' must be a boolean.";
        return error is null;
    }

    /// <summary>A field the gateway reads may appear once: parsers differ on which duplicate wins, so the upstream could see another value.</summary>
    private static bool Once(ref Seen seen, Seen field, string name, out string? error)
    {
        error = (seen & field) != 0 ? $"'{name}' appears more than once in the request body." : null;
        seen |= field;
        return error is null;
    }

    [Flags]
    private enum Seen
    {
        None = 0,
        Model = 1,
        Stream = 2,
        StreamOptions = 4,
        MaxTokens = 8,
        EncodingFormat = 16,
        Fallbacks = 32,
        Metadata = 64,
        Messages = 128,
        Input = 256,
        Prompt = 512,
        MaxCompletionTokens = 1024,
    }
}
