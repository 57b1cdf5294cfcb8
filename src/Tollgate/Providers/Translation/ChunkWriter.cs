using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers.Translation;

/// <summary>Writes OpenAI <c>chat.completion.chunk</c> frames (<c>data: {...}\n\n</c>) for a translated stream.</summary>
[SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "A Utf8JsonWriter over an IBufferWriter holds no resources: Dispose only flushes, and every frame is flushed.")]
internal sealed class ChunkWriter(string model, long created)
{
    private readonly JsonEncodedText _model = JsonEncodedText.Encode(model, JsonWire.WriterOptions.Encoder);
    private JsonEncodedText _id = JsonEncodedText.Encode(string.Empty);
    private Utf8JsonWriter? _writer;

    public string Id { get; private set; } = string.Empty;

    /// <summary>Chunks with content (text, reasoning or tool-call pieces) written so far.</summary>
    public int ContentChunks { get; private set; }

    public void SetId(string id)
    {
        Id = id;
        _id = JsonEncodedText.Encode(id, JsonWire.WriterOptions.Encoder);
    }

    public void Role(IBufferWriter<byte> output)
    {
        var writer = Begin(output);
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteString("content"u8, ""u8);
        End(writer, output, null);
    }

    public void Text(string text, IBufferWriter<byte> output) => TextField("content"u8, text, output);

    public void Reasoning(string text, IBufferWriter<byte> output) => TextField("reasoning_content"u8, text, output);

    /// <summary>A tool call's first piece: its id and name, with the arguments so far (may be empty).</summary>
    public void ToolCallStart(int index, string id, string name, string arguments, IBufferWriter<byte> output)
    {
        var writer = Begin(output);
        writer.WriteStartArray("tool_calls"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, index);
        writer.WriteString("id"u8, id);
        writer.WriteString("type"u8, "function"u8);
        writer.WriteStartObject("function"u8);
        writer.WriteString("name"u8, name);
        writer.WriteString("arguments"u8, arguments);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        ContentChunks++;
        End(writer, output, null);
    }

    public void ToolCallArguments(int index, string arguments, IBufferWriter<byte> output)
    {
        var writer = Begin(output);
        writer.WriteStartArray("tool_calls"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, index);
        writer.WriteStartObject("function"u8);
        writer.WriteString("arguments"u8, arguments);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        ContentChunks++;
        End(writer, output, null);
    }

    public void Finish(string finishReason, IBufferWriter<byte> output) => End(Begin(output), output, finishReason);

    private void TextField(ReadOnlySpan<byte> field, string text, IBufferWriter<byte> output)
    {
        if (text.Length == 0)
        {
            return;
        }

        var writer = Begin(output);
        writer.WriteString(field, text);
        ContentChunks++;
        End(writer, output, null);
    }

    private Utf8JsonWriter Begin(IBufferWriter<byte> output)
    {
        output.Write("data: "u8);
        if (_writer is null)
        {
            _writer = new Utf8JsonWriter(output, JsonWire.WriterOptions);
        }
        else
        {
            _writer.Reset(output);
        }

        var writer = _writer;
        writer.WriteStartObject();
        writer.WriteString("id"u8, _id);
        writer.WriteString("object"u8, "chat.completion.chunk"u8);
        writer.WriteNumber("created"u8, created);
        writer.WriteString("model"u8, _model);
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("delta"u8);
        return writer;
    }

    private static void End(Utf8JsonWriter writer, IBufferWriter<byte> output, string? finishReason)
    {
        writer.WriteEndObject();
        if (finishReason is null)
        {
            writer.WriteNull("finish_reason"u8);
        }
        else
        {
            writer.WriteString("finish_reason"u8, finishReason);
        }

        writer.WriteNull("logprobs"u8);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n\n"u8);
    }
}
