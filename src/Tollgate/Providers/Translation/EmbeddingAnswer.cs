using System.Buffers.Binary;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers.Translation;

/// <summary>Writes an OpenAI embeddings list from a provider's vectors, as floats or (when asked) base64 float32.</summary>
internal static class EmbeddingAnswer
{
    /// <param name="vectors">Each vector as the JSON array of numbers the provider sent.</param>
    public static void Write(Utf8JsonWriter writer, string model, IReadOnlyList<JsonElement> vectors, int promptTokens, bool base64)
    {
        writer.WriteStartObject();
        writer.WriteString("object"u8, "list"u8);
        writer.WriteStartArray("data"u8);
        for (var i = 0; i < vectors.Count; i++)
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "embedding"u8);
            writer.WriteNumber("index"u8, i);
            writer.WritePropertyName("embedding"u8);
            if (base64)
            {
                var values = vectors[i].EnumerateArray().ToArray();
                var bytes = new byte[values.Length * 4];
                for (var j = 0; j < values.Length; j++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(j * 4), values[j].GetSingle());
                }

                writer.WriteBase64StringValue(bytes);
            }
            else
            {
                vectors[i].WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("model"u8, model);
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, promptTokens);
        writer.WriteNumber("total_tokens"u8, promptTokens);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static TokenUsage Usage(int promptTokens) => new(promptTokens, 0);
}
