using System.Runtime.InteropServices;
using System.Text.Json;
using Tollgate.Inference;

namespace Tollgate.Providers.OpenAICompatible;

/// <summary>
/// The fields of one OpenAI <c>chat.completion.chunk</c> that the Anthropic stream needs, read in a single
/// <see cref="Utf8JsonReader"/> pass. Strings that are only copied to the output (text, argument fragments, tool ids
/// and names) are kept as ranges over the chunk, quotes included, so they are copied as they came: no string is
/// allocated per delta. One instance is reused for every chunk of a stream.
/// </summary>
internal sealed class OpenAIChunkReader
{
    private readonly List<ChunkSegment> _reasoning = [];
    private readonly List<ChunkSegment> _content = [];
    private readonly List<ChunkToolCall> _toolCalls = [];

    /// <summary>The chunk's <c>id</c>; an empty range when absent.</summary>
    public Range Id { get; private set; }

    /// <summary><c>choices[0].finish_reason</c>; an empty range when null or absent.</summary>
    public Range FinishReason { get; private set; }

    /// <summary>Reasoning from the string fields, which Anthropic streams before the text of the same chunk.</summary>
    public ReadOnlySpan<ChunkSegment> Reasoning => CollectionsMarshal.AsSpan(_reasoning);

    /// <summary>Text, and Databricks reasoning parts, in the order the content carried them.</summary>
    public ReadOnlySpan<ChunkSegment> Content => CollectionsMarshal.AsSpan(_content);

    public ReadOnlySpan<ChunkToolCall> ToolCalls => CollectionsMarshal.AsSpan(_toolCalls);

    /// <summary>Whether the chunk carried a <c>usage</c> object: OpenAI's final usage chunk, or Databricks' running totals.</summary>
    public bool HasUsage { get; private set; }

    /// <summary>The chunk's usage (when <see cref="HasUsage"/>), prompt tokens including cached ones.</summary>
    public TokenUsage Usage { get; private set; }

    /// <summary>Whether the chunk was an error (<c>{"error":{...}}</c>) rather than a completion chunk.</summary>
    public bool HasError { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>Whether a range was found: a present string spans at least its two quotes.</summary>
    public static bool IsPresent(Range range) => range.End.Value > range.Start.Value;

    /// <summary>Whether a range holds a string with at least one character.</summary>
    public static bool IsNonEmpty(Range range) => range.End.Value - range.Start.Value > 2;

    /// <summary>Reads one chunk; returns false when it is not a JSON object.</summary>
    public bool TryRead(ReadOnlySpan<byte> chunk)
    {
        Reset();

        // Utf8JsonReader reports malformed JSON only by throwing; a broken upstream chunk is expected input here.
        try
        {
            var reader = new Utf8JsonReader(chunk);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    Id = StringRange(ref reader);
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    ReadChoices(ref reader);
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    ReadUsage(ref reader);
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    ReadError(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void Reset()
    {
        Id = default;
        FinishReason = default;
        _reasoning.Clear();
        _content.Clear();
        _toolCalls.Clear();
        HasUsage = false;
        Usage = default;
        HasError = false;
        ErrorMessage = null;
    }

    private void ReadChoices(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        // The translated request never asks for n > 1, so only the first choice carries the answer.
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (first && reader.TokenType == JsonTokenType.StartObject)
            {
                ReadChoice(ref reader);
            }
            else
            {
                reader.Skip();
            }

            first = false;
        }
    }

    private void ReadChoice(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                ReadDelta(ref reader);
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                FinishReason = StringRange(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private void ReadDelta(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    ReadContentParts(ref reader);
                }
                else
                {
                    Add(_content, ChunkSegmentKind.Text, ref reader);
                }
            }
            else if (reader.ValueTextEquals("refusal"u8))
            {
                reader.Read();
                Add(_content, ChunkSegmentKind.Text, ref reader);
            }
            else if (reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8))
            {
                reader.Read();
                Add(_reasoning, ChunkSegmentKind.Thinking, ref reader);
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                ReadToolCalls(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>
    /// Databricks streams content as parts: <c>{"type":"text","text"}</c>, and for reasoning models
    /// <c>{"type":"reasoning","summary":[{"type":"summary_text","text","signature"}]}</c>.
    /// </summary>
    private void ReadContentParts(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            Range text = default;
            var isReasoning = false;
            var partStart = _content.Count;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    isReasoning = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("reasoning"u8);
                }
                else if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    text = StringRange(ref reader);
                }
                else if (reader.ValueTextEquals("summary"u8))
                {
                    reader.Read();
                    ReadSummary(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // A part's type may come after its fields, so what was read is sorted out at the end: thinking belongs to
            // reasoning parts only, answer text to the others.
            if (!isReasoning)
            {
                _content.RemoveRange(partStart, _content.Count - partStart);
                if (IsNonEmpty(text))
                {
                    _content.Add(new ChunkSegment(ChunkSegmentKind.Text, text));
                }
            }
        }
    }

    private void ReadSummary(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            Range text = default, signature = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("text"u8))
                {
                    reader.Read();
                    text = StringRange(ref reader);
                }
                else if (reader.ValueTextEquals("signature"u8))
                {
                    reader.Read();
                    signature = StringRange(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Anthropic sends a block's signature after its thinking, whatever order the fields came in.
            if (IsNonEmpty(text))
            {
                _content.Add(new ChunkSegment(ChunkSegmentKind.Thinking, text));
            }

            if (IsNonEmpty(signature))
            {
                _content.Add(new ChunkSegment(ChunkSegmentKind.Signature, signature));
            }
        }
    }

    private void ReadToolCalls(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var index = -1;
            Range id = default, name = default, arguments = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) && value >= 0)
                    {
                        index = value;
                    }
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = StringRange(ref reader);
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("name"u8))
                        {
                            reader.Read();
                            name = StringRange(ref reader);
                        }
                        else if (reader.ValueTextEquals("arguments"u8))
                        {
                            reader.Read();
                            arguments = StringRange(ref reader);
                        }
                        else
                        {
                            reader.Read();
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

            _toolCalls.Add(new ChunkToolCall(index, id, name, arguments));
        }
    }

    private void ReadUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        HasUsage = true;
        Usage = UsageReader.ReadUsageObject(ref reader);
    }

    private void ReadError(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            HasError = true;
            ErrorMessage = reader.GetString();
            return;
        }

        // "error": null is not an error.
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        HasError = true;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                ErrorMessage = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void Add(List<ChunkSegment> segments, ChunkSegmentKind kind, ref Utf8JsonReader reader)
    {
        var range = StringRange(ref reader);
        if (IsNonEmpty(range))
        {
            segments.Add(new ChunkSegment(kind, range));
        }
        else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }
    }

    /// <summary>The string token's raw bytes, quotes included; an empty range for anything else (null).</summary>
    private static Range StringRange(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            return default;
        }

        // A reader over one span never yields a ValueSequence; TokenStartIndex is the opening quote.
        var start = (int)reader.TokenStartIndex;
        return start..(start + reader.ValueSpan.Length + 2);
    }
}
