using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Providers.Translation;
using Tollgate.Streaming;

namespace Tollgate.Providers.Cohere;

/// <summary>
/// Cohere's v2 API behind the OpenAI dialect: <c>POST {base}/v2/chat</c> (SSE events when streaming) and
/// <c>POST {base}/v2/embed</c>, Bearer auth. v2 chat is close to OpenAI's (same message roles and tool shapes), so the
/// body mostly renames sampling fields: <c>top_p</c> → <c>p</c>, <c>top_k</c> → <c>k</c>, <c>stop</c> → <c>stop_sequences</c>;
/// <c>tool_choice</c> has only REQUIRED and NONE, so a named choice sends just that tool, required.
/// </summary>
internal sealed class CohereClient : TranslatingClient
{
    public static readonly CohereClient Instance = new();

    protected override string FamilyName => "Cohere";

    protected override GatewayError? WriteChatBody(IUpstreamCall call, ChatRequest request, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("model"u8, call.Model);
        writer.WriteStartArray("messages"u8);
        if (request.System.Count > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, "system"u8);
            writer.WriteString("content"u8, string.Join("\n\n", request.System));
            writer.WriteEndObject();
        }

        foreach (var turn in request.Turns)
        {
            WriteMessage(turn, writer);
        }

        writer.WriteEndArray();

        if (request.Tools.Count > 0 && request.ToolChoice != ToolChoiceKind.None)
        {
            writer.WriteStartArray("tools"u8);
            foreach (var tool in request.Tools.Where(t => request.ToolChoice != ToolChoiceKind.Named || t.Name == request.ToolChoiceName))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, tool.Name);
                if (tool.Description is not null)
                {
                    writer.WriteString("description"u8, tool.Description);
                }

                writer.WritePropertyName("parameters"u8);
                JsonText.WriteRaw(writer, tool.ParametersJson);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (request.ToolChoice is ToolChoiceKind.Required or ToolChoiceKind.Named)
            {
                writer.WriteString("tool_choice"u8, "REQUIRED"u8);
            }
        }

        if (call.Sniff.Stream)
        {
            writer.WriteBoolean("stream"u8, true);
        }

        WriteNumber(writer, "max_tokens"u8, request.MaxTokens);
        WriteNumber(writer, "temperature"u8, request.Temperature);
        WriteNumber(writer, "p"u8, request.TopP);
        WriteNumber(writer, "k"u8, request.TopK);
        WriteNumber(writer, "seed"u8, request.Seed);
        WriteNumber(writer, "presence_penalty"u8, request.PresencePenalty);
        WriteNumber(writer, "frequency_penalty"u8, request.FrequencyPenalty);
        if (request.Stop.Count > 0)
        {
            writer.WriteStartArray("stop_sequences"u8);
            foreach (var stop in request.Stop)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        if (request.JsonMode)
        {
            writer.WriteStartObject("response_format"u8);
            writer.WriteString("type"u8, "json_object"u8);
            if (request.JsonSchema is { } schema)
            {
                writer.WritePropertyName("json_schema"u8);
                JsonText.WriteRaw(writer, schema);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        return null;
    }

    private static void WriteMessage(ChatTurn turn, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        switch (turn.Role)
        {
            case ChatTurnRole.User:
                writer.WriteString("role"u8, "user"u8);
                if (turn.Parts.All(p => p.Text is not null))
                {
                    writer.WriteString("content"u8, turn.Text);
                }
                else
                {
                    writer.WriteStartArray("content"u8);
                    foreach (var part in turn.Parts)
                    {
                        writer.WriteStartObject();
                        if (part.Text is not null)
                        {
                            writer.WriteString("type"u8, "text"u8);
                            writer.WriteString("text"u8, part.Text);
                        }
                        else
                        {
                            writer.WriteString("type"u8, "image_url"u8);
                            writer.WriteStartObject("image_url"u8);
                            writer.WriteString("url"u8, part.ImageUrl);
                            writer.WriteEndObject();
                        }

                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                break;

            case ChatTurnRole.Assistant:
                writer.WriteString("role"u8, "assistant"u8);

                // Cohere refuses an empty content string; an assistant turn of only tool calls has none.
                if (turn.Text.Length > 0)
                {
                    writer.WriteString("content"u8, turn.Text);
                }

                if (turn.ToolCalls.Count > 0)
                {
                    writer.WriteStartArray("tool_calls"u8);
                    foreach (var call in turn.ToolCalls)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("id"u8, call.Id);
                        writer.WriteString("type"u8, "function"u8);
                        writer.WriteStartObject("function"u8);
                        writer.WriteString("name"u8, call.Name);
                        writer.WriteString("arguments"u8, call.Arguments);
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                break;

            default:
                writer.WriteString("role"u8, "tool"u8);
                writer.WriteString("tool_call_id"u8, turn.ToolCallId);
                writer.WriteString("content"u8, turn.Text);
                break;
        }

        writer.WriteEndObject();
    }

    protected override GatewayError? WriteEmbeddingBody(IUpstreamCall call, EmbeddingRequest request, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("model"u8, call.Model);
        writer.WriteStartArray("texts"u8);
        foreach (var input in request.Inputs)
        {
            writer.WriteStringValue(input);
        }

        writer.WriteEndArray();

        // v3+ embed models require an input type; OpenAI's API has none, and stored documents are the common case.
        writer.WriteString("input_type"u8, "search_document"u8);
        writer.WriteStartArray("embedding_types"u8);
        writer.WriteStringValue("float"u8);
        writer.WriteEndArray();
        WriteNumber(writer, "output_dimension"u8, request.Dimensions);
        writer.WriteEndObject();
        return null;
    }

    public override Uri BuildUri(IUpstreamCall call, ProviderKeyConfig? key) =>
        call.Provider.UriCache.GetOrAdd(call.Operation == InferenceOperation.Embeddings ? "embed" : "chat",
            static (path, baseUrl) => new Uri($"{baseUrl}/v2/{path}"), call.Provider.Config.BaseUrl);

    public override void ApplyAuth(HttpRequestMessage request, ProviderRuntime provider, string? secret)
    {
        if (!string.IsNullOrEmpty(secret))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
    }

    protected override ChatAnswer ReadChatAnswer(JsonElement body)
    {
        var message = JsonText.Object(body, "message");
        var answer = new ChatAnswer { Id = JsonText.String(body, "id") ?? string.Empty, Usage = ReadUsage(JsonText.Object(body, "usage")) };
        string? text = null;
        foreach (var part in JsonText.Array(message, "content"))
        {
            if (JsonText.String(part, "type") == "text")
            {
                text += JsonText.String(part, "text");
            }
        }

        answer.Text = text;
        answer.Reasoning = JsonText.String(message, "tool_plan") is { Length: > 0 } plan ? plan : null;
        foreach (var call in JsonText.Array(message, "tool_calls"))
        {
            var function = JsonText.Object(call, "function");
            answer.ToolCalls.Add(new ToolCall(JsonText.String(call, "id") ?? string.Empty, JsonText.String(function, "name") ?? string.Empty,
                JsonText.String(function, "arguments") ?? "{}"));
        }

        answer.FinishReason = FinishReason(JsonText.String(body, "finish_reason"));
        return answer;
    }

    public static string? FinishReason(string? reason) => reason switch
    {
        null => null,
        "MAX_TOKENS" => "length",
        "TOOL_CALL" => "tool_calls",
        _ => "stop",
    };

    /// <summary>billed_units are what Cohere charges for (tokens also counts its own prompt template); cached_tokens are read from cache.</summary>
    public static TokenUsage ReadUsage(JsonElement usage)
    {
        var units = JsonText.Object(usage, "billed_units");
        if (units.ValueKind != JsonValueKind.Object)
        {
            units = JsonText.Object(usage, "tokens");
        }

        return new TokenUsage(JsonText.Int(units, "input_tokens"), JsonText.Int(units, "output_tokens"), JsonText.Int(usage, "cached_tokens"));
    }

    protected override TokenUsage WriteEmbeddingAnswer(IUpstreamCall call, JsonElement body, Utf8JsonWriter writer)
    {
        var embeddings = JsonText.Object(body, "embeddings");
        var vectors = embeddings.ValueKind == JsonValueKind.Object
            ? JsonText.Array(embeddings, "float").ToList()
            : JsonText.Array(body, "embeddings").ToList();
        var tokens = JsonText.Int(JsonText.Object(JsonText.Object(body, "meta"), "billed_units"), "input_tokens");
        EmbeddingAnswer.Write(writer, call.Model, vectors, tokens, call.Sniff.WantsBase64);
        return EmbeddingAnswer.Usage(tokens);
    }

    public override IStreamTranslator CreateStreamTranslator(IUpstreamCall call) =>
        new CohereStreamTranslator(call.Model, call.Created, call.Provider.Name);

    private static void WriteNumber(Utf8JsonWriter writer, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static void WriteNumber(Utf8JsonWriter writer, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
