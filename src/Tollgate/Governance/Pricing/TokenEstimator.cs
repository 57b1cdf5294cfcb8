using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tollgate.Governance.Pricing;

/// <summary>
/// Estimates the input tokens of a request before it is sent, for the worst-case budget reservation (and for usage
/// when an upstream reports none). Counts with OpenAI's o200k_base encoding (gpt-4o and later), offline from the
/// Microsoft.ML.Tokenizers.Data.O200kBase package's vocabulary (<see cref="O200kTokenCounter"/>); other model
/// families tokenise differently, so for them this is an estimate in the right order of magnitude, which is all a
/// reservation needs: settlement uses the upstream's count.
/// </summary>
/// <remarks>
/// Chat follows OpenAI's published counting recipe (openai-cookbook, "How to count tokens with tiktoken"): 3 tokens
/// per message, the tokens of every value in the message (role, content, name and so on), 1 more when a message has a
/// name, and 3 priming the reply. On top of the recipe: each tool call's function name and arguments, the raw JSON of
/// <c>tools</c>/<c>functions</c> (OpenAI renders definitions differently, usually shorter, so this leans high, which a
/// reservation should), and a flat 85 tokens per image (OpenAI's low-detail image cost; high-detail images cost more
/// and are billed correctly at settlement).
/// Never throws on odd input: a body that is not JSON counts 0; a body that breaks off part-way counts what was read.
/// Thread-safe; one instance can serve the whole process, and every instance shares one tokenizer.
/// </remarks>
internal sealed class TokenEstimator
{
    public const int TokensPerMessage = 3;
    public const int TokensPerName = 1;
    public const int ReplyPrimingTokens = 3;
    public const int TokensPerImage = 85;

    // Strings up to this many chars are decoded on the stack; longer ones borrow a pooled buffer.
    private const int StackChars = 512;

    private static readonly JsonEncodedText MessagesName = JsonEncodedText.Encode("messages");
    private static readonly JsonEncodedText ToolsName = JsonEncodedText.Encode("tools");
    private static readonly JsonEncodedText FunctionsName = JsonEncodedText.Encode("functions");
    private static readonly JsonEncodedText ContentName = JsonEncodedText.Encode("content");
    private static readonly JsonEncodedText NameName = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ToolCallsName = JsonEncodedText.Encode("tool_calls");
    private static readonly JsonEncodedText FunctionCallName = JsonEncodedText.Encode("function_call");
    private static readonly JsonEncodedText FunctionName = JsonEncodedText.Encode("function");
    private static readonly JsonEncodedText ArgumentsName = JsonEncodedText.Encode("arguments");
    private static readonly JsonEncodedText TextName = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText ImageUrlName = JsonEncodedText.Encode("image_url");
    private static readonly JsonEncodedText ImageName = JsonEncodedText.Encode("image");
    private static readonly JsonEncodedText InputImageName = JsonEncodedText.Encode("input_image");
    private static readonly JsonEncodedText InputName = JsonEncodedText.Encode("input");
    private static readonly JsonEncodedText PromptName = JsonEncodedText.Encode("prompt");

    /// <summary>Tokens in plain text.</summary>
    public int EstimateText(string? text) => string.IsNullOrEmpty(text) ? 0 : TokenCountCache.Count(text);

    /// <summary>Input tokens of an OpenAI Chat Completions request body.</summary>
    public int EstimateChatInput(ReadOnlySpan<byte> openAiChatBody)
    {
        var total = 0;
        var sawMessages = false;
        try
        {
            var reader = new Utf8JsonReader(openAiChatBody);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(MessagesName.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        sawMessages = true;
                        CountMessages(ref reader, ref total);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals(ToolsName.EncodedUtf8Bytes) || reader.ValueTextEquals(FunctionsName.EncodedUtf8Bytes))
                {
                    reader.Read();
                    total += CountRawJson(openAiChatBody, ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            // Best effort: what was counted before the body broke off.
        }

        return sawMessages ? total + ReplyPrimingTokens : total;
    }

    /// <summary>Input tokens of an OpenAI Embeddings request body: <c>input</c> as a string, strings, or token ids.</summary>
    public int EstimateEmbeddingsInput(ReadOnlySpan<byte> body) => EstimateInputField(body, InputName);

    /// <summary>Input tokens of an OpenAI (legacy) Completions request body: <c>prompt</c> as a string, strings, or token ids.</summary>
    public int EstimateCompletionsInput(ReadOnlySpan<byte> body) => EstimateInputField(body, PromptName);

    /// <summary>
    /// Output tokens of an OpenAI chat or completions response that reported no usage: the text of every choice's
    /// message content, tool call arguments and legacy <c>text</c>. A rare path, so it reads the body with a DOM.
    /// </summary>
    public int EstimateResponseOutput(ReadOnlySpan<byte> responseBody)
    {
        try
        {
            using var document = JsonDocument.Parse(responseBody.ToArray());
            if (!document.RootElement.TryGetProperty("choices"u8, out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                return 0;
            }

            var total = 0;
            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String)
                {
                    total += EstimateText(text.GetString());
                }

                if (!choice.TryGetProperty("message"u8, out var message) || message.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (message.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.String)
                {
                    total += EstimateText(content.GetString());
                }

                if (message.TryGetProperty("tool_calls"u8, out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    foreach (var call in calls.EnumerateArray())
                    {
                        if (call.TryGetProperty("function"u8, out var function) && function.TryGetProperty("arguments"u8, out var arguments)
                            && arguments.ValueKind == JsonValueKind.String)
                        {
                            total += EstimateText(arguments.GetString()) + TokensPerName;
                        }
                    }
                }
            }

            return total;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private int EstimateInputField(ReadOnlySpan<byte> body, JsonEncodedText field)
    {
        var total = 0;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isField = reader.ValueTextEquals(field.EncodedUtf8Bytes);
                reader.Read();
                if (isField)
                {
                    CountInputValue(ref reader, ref total);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            // Best effort, as for chat.
        }

        return total;
    }

    // A string is text to tokenise; a number is one token id; arrays (of strings, of ids, of arrays of ids) add up.
    private void CountInputValue(ref Utf8JsonReader reader, ref int total)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                total += CountString(ref reader);
                break;
            case JsonTokenType.Number:
                total += 1;
                break;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    CountInputValue(ref reader, ref total);
                }

                break;
            default:
                reader.Skip();
                break;
        }
    }

    private void CountMessages(ref Utf8JsonReader reader, ref int total)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            total += TokensPerMessage;
            CountMessage(ref reader, ref total);
        }
    }

    private void CountMessage(ref Utf8JsonReader reader, ref int total)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(ContentName.EncodedUtf8Bytes))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    CountContentParts(ref reader, ref total);
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    total += CountString(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals(ToolCallsName.EncodedUtf8Bytes))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        CountToolCall(ref reader, ref total);
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals(FunctionCallName.EncodedUtf8Bytes))
            {
                reader.Read();
                CountFunction(ref reader, ref total);
            }
            else
            {
                // role, name, tool_call_id, refusal...: the recipe counts every value of the message.
                var isName = reader.ValueTextEquals(NameName.EncodedUtf8Bytes);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    total += CountString(ref reader) + (isName ? TokensPerName : 0);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
    }

    private void CountContentParts(ref Utf8JsonReader reader, ref int total)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                total += CountString(ref reader);
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            // {"type":"text","text":"..."} or {"type":"image_url","image_url":{...}}; "type" may come last.
            var isImage = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(TextName.EncodedUtf8Bytes))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        total += CountString(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals(TypeName.EncodedUtf8Bytes))
                {
                    reader.Read();
                    isImage |= reader.TokenType == JsonTokenType.String
                        && (reader.ValueTextEquals(ImageUrlName.EncodedUtf8Bytes)
                            || reader.ValueTextEquals(ImageName.EncodedUtf8Bytes)
                            || reader.ValueTextEquals(InputImageName.EncodedUtf8Bytes));
                    reader.Skip();
                }
                else
                {
                    isImage |= reader.ValueTextEquals(ImageUrlName.EncodedUtf8Bytes);
                    reader.Read();
                    reader.Skip();
                }
            }

            if (isImage)
            {
                total += TokensPerImage;
            }
        }
    }

    private void CountToolCall(ref Utf8JsonReader reader, ref int total)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isFunction = reader.ValueTextEquals(FunctionName.EncodedUtf8Bytes);
            reader.Read();
            if (isFunction)
            {
                CountFunction(ref reader, ref total);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    // {"name":"...","arguments":"{...}"}: both are tokens the model reads back.
    private void CountFunction(ref Utf8JsonReader reader, ref int total)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var counts = reader.ValueTextEquals(NameName.EncodedUtf8Bytes) || reader.ValueTextEquals(ArgumentsName.EncodedUtf8Bytes);
            reader.Read();
            if (counts && reader.TokenType == JsonTokenType.String)
            {
                total += CountString(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    // Tokens of a JSON value's text as written (the reader stands on its first token).
    private int CountRawJson(ReadOnlySpan<byte> body, ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return CountString(ref reader);
        }

        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var json = body[start..(int)reader.BytesConsumed];
        char[]? rented = null;
        var chars = json.Length <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(json.Length));
        try
        {
            // Invalid UTF-8 decodes to U+FFFD rather than throwing.
            var length = Encoding.UTF8.GetChars(json, chars);
            return TokenCountCache.Count(chars[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // Tokens of the string the reader stands on, unescaped, without allocating a string for it.
    private int CountString(ref Utf8JsonReader reader)
    {
        // An unescaped value never has more UTF-16 chars than its escaped UTF-8 bytes.
        var maxChars = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (maxChars == 0)
        {
            return 0;
        }

        char[]? rented = null;
        var chars = maxChars <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(maxChars));
        try
        {
            var length = reader.CopyString(chars);
            return TokenCountCache.Count(chars[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // What Utf8JsonReader and the transcoding throw for input that is not the JSON we expect; anything else is a bug.
    private static bool IsMalformedInput(Exception e) =>
        e is JsonException or InvalidOperationException or ArgumentException or FormatException or OverflowException;
}
