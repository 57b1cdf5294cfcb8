using System.Text.Json;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// The fields of one Anthropic streaming event that the OpenAI translation needs, read in a single
/// <see cref="Utf8JsonReader"/> pass. Strings that are only copied to the output (text, argument fragments, tool ids
/// and names) are kept as ranges over the event's data, quotes included, so that they are copied as they came:
/// no string is allocated per delta.
/// </summary>
internal struct AnthropicStreamEvent
{
    /// <summary>The event's JSON <c>type</c>; <see cref="AnthropicEventType.None"/> when it has none.</summary>
    public AnthropicEventType Type { get; private set; }

    /// <summary>The content block index; -1 when absent.</summary>
    public int Index { get; private set; }

    /// <summary><c>content_block.type</c> of a <c>content_block_start</c>.</summary>
    public AnthropicContentKind BlockKind { get; private set; }

    public Range BlockId { get; private set; }

    public Range BlockName { get; private set; }

    /// <summary><c>content_block.text</c> or <c>content_block.thinking</c>; Anthropic sends it empty today.</summary>
    public Range BlockText { get; private set; }

    /// <summary><c>delta.type</c> of a <c>content_block_delta</c>.</summary>
    public AnthropicContentKind DeltaKind { get; private set; }

    /// <summary><c>delta.text</c>, <c>delta.partial_json</c> or <c>delta.thinking</c>, by <see cref="DeltaKind"/>.</summary>
    public Range DeltaText { get; private set; }

    /// <summary><c>delta.stop_reason</c> of a <c>message_delta</c>; empty when null or absent.</summary>
    public Range StopReason { get; private set; }

    public string? MessageId { get; private set; }

    public int? InputTokens { get; private set; }

    public int? OutputTokens { get; private set; }

    public int? CacheReadTokens { get; private set; }

    public int? CacheCreationTokens { get; private set; }

    public string? ErrorType { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>Whether a range was found in the event: a present string spans at least its two quotes.</summary>
    public static bool IsPresent(Range range) => range.End.Value > range.Start.Value;

    /// <summary>Whether a range holds a string with at least one character.</summary>
    public static bool IsNonEmpty(Range range) => range.End.Value - range.Start.Value > 2;

    /// <summary>Returns false when <paramref name="data"/> is not a JSON object.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AnthropicStreamEvent parsed)
    {
        parsed = new AnthropicStreamEvent { Index = -1 };

        // Utf8JsonReader reports malformed JSON only by throwing; a broken upstream event is expected input here.
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    parsed.Type = ClassifyEvent(ref reader);
                }
                else if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var index))
                    {
                        parsed.Index = index;
                    }
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    parsed.ReadMessage(ref reader);
                }
                else if (reader.ValueTextEquals("content_block"u8))
                {
                    reader.Read();
                    parsed.ReadContentBlock(ref reader);
                }
                else if (reader.ValueTextEquals("delta"u8))
                {
                    reader.Read();
                    parsed.ReadDelta(ref reader);
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    parsed.ReadUsage(ref reader);
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    parsed.ReadError(ref reader);
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

    /// <summary>Classifies an SSE <c>event:</c> name, used only when the JSON carries no <c>type</c>.</summary>
    public static AnthropicEventType ClassifyEvent(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return AnthropicEventType.None;
        }

        if (name.SequenceEqual("content_block_delta"u8))
        {
            return AnthropicEventType.ContentBlockDelta;
        }

        if (name.SequenceEqual("content_block_start"u8))
        {
            return AnthropicEventType.ContentBlockStart;
        }

        if (name.SequenceEqual("content_block_stop"u8))
        {
            return AnthropicEventType.ContentBlockStop;
        }

        if (name.SequenceEqual("message_start"u8))
        {
            return AnthropicEventType.MessageStart;
        }

        if (name.SequenceEqual("message_delta"u8))
        {
            return AnthropicEventType.MessageDelta;
        }

        if (name.SequenceEqual("message_stop"u8))
        {
            return AnthropicEventType.MessageStop;
        }

        if (name.SequenceEqual("ping"u8))
        {
            return AnthropicEventType.Ping;
        }

        if (name.SequenceEqual("error"u8))
        {
            return AnthropicEventType.Error;
        }

        return AnthropicEventType.Unknown;
    }

    private static AnthropicEventType ClassifyEvent(ref Utf8JsonReader reader)
    {
        // Anthropic's type names never need escaping, so an escaped one is not one of them.
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped)
        {
            return AnthropicEventType.Unknown;
        }

        var type = ClassifyEvent(reader.ValueSpan);
        return type == AnthropicEventType.None ? AnthropicEventType.Unknown : type;
    }

    private void ReadMessage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                MessageId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                ReadUsage(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private void ReadContentBlock(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                BlockKind = reader.TokenType != JsonTokenType.String ? AnthropicContentKind.Other
                    : reader.ValueTextEquals("text"u8) ? AnthropicContentKind.Text
                    : reader.ValueTextEquals("tool_use"u8) ? AnthropicContentKind.ToolUse
                    : reader.ValueTextEquals("thinking"u8) ? AnthropicContentKind.Thinking
                    : AnthropicContentKind.Other;
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                BlockId = StringRange(ref reader);
            }
            else if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                BlockName = StringRange(ref reader);
            }
            else if (reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("thinking"u8))
            {
                reader.Read();
                BlockText = StringRange(ref reader);
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
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                DeltaKind = reader.TokenType != JsonTokenType.String ? AnthropicContentKind.Other
                    : reader.ValueTextEquals("text_delta"u8) ? AnthropicContentKind.Text
                    : reader.ValueTextEquals("input_json_delta"u8) ? AnthropicContentKind.ToolUse
                    : reader.ValueTextEquals("thinking_delta"u8) ? AnthropicContentKind.Thinking
                    : AnthropicContentKind.Other;
            }
            else if (reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("partial_json"u8) || reader.ValueTextEquals("thinking"u8))
            {
                reader.Read();
                DeltaText = StringRange(ref reader);
            }
            else if (reader.ValueTextEquals("stop_reason"u8))
            {
                reader.Read();
                StopReason = StringRange(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private void ReadUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input_tokens"u8))
            {
                reader.Read();
                InputTokens = ReadInt(ref reader) ?? InputTokens;
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                reader.Read();
                OutputTokens = ReadInt(ref reader) ?? OutputTokens;
            }
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
            {
                reader.Read();
                CacheReadTokens = ReadInt(ref reader) ?? CacheReadTokens;
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
            {
                reader.Read();
                CacheCreationTokens = ReadInt(ref reader) ?? CacheCreationTokens;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private void ReadError(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                ErrorType = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("message"u8))
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

    private static int? ReadInt(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : null;

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
