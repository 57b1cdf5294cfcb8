using System.Text.Json;

namespace Tollgate.Pipeline;

/// <summary>
/// Reads the routing-relevant fields of a request body with <see cref="Utf8JsonReader"/>, skipping everything else
/// (messages, tools, ...) without materialising it. Malformed JSON is reported, not thrown past the API edge.
/// </summary>
internal static class RequestSniffer
{
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

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(JsonFields.Model.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        sniff.Model = reader.GetString();
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        error = "'model' must be a string.";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals(JsonFields.Stream.EncodedUtf8Bytes))
                {
                    reader.Read();
                    sniff.Stream = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals(JsonFields.StreamOptions.EncodedUtf8Bytes))
                {
                    reader.Read();
                    sniff.HasStreamOptions = true;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var isIncludeUsage = reader.ValueTextEquals(JsonFields.IncludeUsage.EncodedUtf8Bytes);
                            reader.Read();
                            if (isIncludeUsage)
                            {
                                sniff.IncludeUsage = reader.TokenType == JsonTokenType.True;
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }
                }
                else if (reader.ValueTextEquals(JsonFields.MaxTokens.EncodedUtf8Bytes) || reader.ValueTextEquals(JsonFields.MaxCompletionTokens.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var max))
                    {
                        sniff.MaxTokens = max;
                    }
                }
                else if (reader.ValueTextEquals(JsonFields.EncodingFormat.EncodedUtf8Bytes))
                {
                    reader.Read();
                    sniff.HasEncodingFormat = true;
                    sniff.WantsBase64 = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(JsonFields.Base64.EncodedUtf8Bytes);
                }
                else if (reader.ValueTextEquals(JsonFields.Fallbacks.EncodedUtf8Bytes))
                {
                    sniff.HasFallbacks = true;
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (reader.TokenType != JsonTokenType.String)
                            {
                                error = "'fallbacks' must be an array of model names.";
                                return false;
                            }

                            (sniff.Fallbacks ??= []).Add(reader.GetString()!);
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
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var key = reader.GetString()!;
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            (sniff.Metadata ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = reader.GetString()!;
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    sniff.HasMessages |= reader.ValueTextEquals("messages"u8);
                    sniff.HasInput |= reader.ValueTextEquals("input"u8);
                    sniff.HasPrompt |= reader.ValueTextEquals("prompt"u8);
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
    }
}
