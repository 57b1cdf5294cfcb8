using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers.OpenAICompatible;

/// <summary>
/// Rewrites an embeddings response whose vectors are float arrays into OpenAI's base64 form (little-endian float32),
/// for upstreams that only return floats (Databricks). Current OpenAI SDKs ask for base64 by default.
/// </summary>
internal static class EmbeddingBase64Encoder
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public static void Rewrite(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        var reader = new Utf8JsonReader(json);
        var floats = new List<float>(1024);
        var nextIsEmbedding = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    nextIsEmbedding = reader.ValueTextEquals(JsonFields.Embedding.EncodedUtf8Bytes);
                    if (reader.ValueIsEscaped)
                    {
                        writer.WritePropertyName(reader.GetString()!);
                    }
                    else
                    {
                        writer.WritePropertyName(reader.ValueSpan);
                    }

                    continue;
                case JsonTokenType.StartArray when nextIsEmbedding:
                    floats.Clear();
                    while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                    {
                        floats.Add(reader.GetSingle());
                    }

                    WriteBase64(floats, writer);
                    break;
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    writer.WriteEndArray();
                    break;
                case JsonTokenType.String:
                    var start = (int)reader.TokenStartIndex;
                    writer.WriteRawValue(json.Slice(start, reader.ValueSpan.Length + 2), skipInputValidation: true);
                    break;
                default:
                    writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                    break;
            }

            nextIsEmbedding = false;
        }
    }

    private static void WriteBase64(List<float> floats, Utf8JsonWriter writer)
    {
        var byteCount = floats.Count * sizeof(float);
        var raw = ArrayPool<byte>.Shared.Rent(byteCount);
        var encoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(byteCount));
        try
        {
            for (var i = 0; i < floats.Count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), floats[i]);
            }

            Base64.EncodeToUtf8(raw.AsSpan(0, byteCount), encoded, out _, out var written);
            writer.WriteStringValue(encoded.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }
}
