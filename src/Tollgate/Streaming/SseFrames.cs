using System.Buffers;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Streaming;

/// <summary>Writers for the OpenAI SSE frames the gateway itself produces.</summary>
internal static class SseFrames
{
    public static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    public static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    public static ReadOnlySpan<byte> Done => "data: [DONE]\n\n"u8;

    public static void WriteData(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        output.Write(DataPrefix);
        output.Write(json);
        output.Write(EventEnd);
    }

    /// <summary>The final usage chunk OpenAI sends when <c>stream_options.include_usage</c> is set: empty choices, usage filled.</summary>
    public static void WriteUsageChunk(ChunkIdentity identity, string objectType, TokenUsage usage, IBufferWriter<byte> output)
    {
        output.Write(DataPrefix);
        using (var writer = new Utf8JsonWriter(output, JsonWire.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString(JsonFields.Id, identity.Id);
            writer.WriteString(JsonFields.Object, objectType);
            writer.WriteNumber(JsonFields.Created, identity.Created);
            writer.WriteString(JsonFields.Model, identity.Model);
            writer.WriteStartArray(JsonFields.Choices);
            writer.WriteEndArray();
            writer.WriteStartObject(JsonFields.Usage);
            writer.WriteNumber(JsonFields.PromptTokens, usage.PromptTokens);
            writer.WriteNumber(JsonFields.CompletionTokens, usage.CompletionTokens);
            writer.WriteNumber(JsonFields.TotalTokens, usage.TotalTokens);
            if (usage.CachedTokens > 0)
            {
                writer.WriteStartObject(JsonFields.PromptTokensDetails);
                writer.WriteNumber(JsonFields.CachedTokens, usage.CachedTokens);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        output.Write(EventEnd);
    }

    public static void WriteError(GatewayError error, IBufferWriter<byte> output)
    {
        output.Write(DataPrefix);
        OpenAIErrorBody.Write(error, output);
        output.Write(EventEnd);
    }
}
