using System.Net.Http.Headers;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Providers.Translation;
using Tollgate.Streaming;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// AWS Bedrock's Converse API behind the OpenAI dialect:
/// <code>
///   chat:       POST {base}/model/{modelId}/converse          (JSON)
///   stream:     POST {base}/model/{modelId}/converse-stream   (application/vnd.amazon.eventstream, see AwsEventStreamReader)
///   embeddings: POST {base}/model/{modelId}/invoke            (Titan: one inputText per call; Cohere: texts[])
///   auth:       SigV4 (bedrock_key_config keys, or AWS_ACCESS_KEY_ID/...), or a Bedrock API key as Bearer (the key's value)
/// </code>
/// base defaults to <c>https://bedrock-runtime.{region}.amazonaws.com</c>. A model id may be a cross-region inference
/// profile (<c>us.anthropic...</c>) or be mapped through <c>deployments</c>.
/// </summary>
internal sealed class BedrockClient : TranslatingClient
{
    public const string Service = "bedrock";

    public static readonly BedrockClient Instance = new();

    protected override string FamilyName => "Bedrock";

    protected override GatewayError? WriteChatBody(IUpstreamCall call, ChatRequest request, Utf8JsonWriter writer) =>
        ConverseRequestWriter.Write(request, writer);

    protected override GatewayError? WriteEmbeddingBody(IUpstreamCall call, EmbeddingRequest request, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (call.Model.Contains("cohere.embed", StringComparison.Ordinal))
        {
            writer.WriteStartArray("texts"u8);
            foreach (var input in request.Inputs)
            {
                writer.WriteStringValue(input);
            }

            writer.WriteEndArray();
            writer.WriteString("input_type"u8, "search_document"u8);
        }
        else
        {
            // Titan text embeddings take one text per call; a batch would need one upstream call per input.
            if (request.Inputs.Count != 1)
            {
                return GatewayError.BadRequest("Bedrock Titan embeddings take one input per request.", "input");
            }

            writer.WriteString("inputText"u8, request.Inputs[0]);
            if (request.Dimensions is { } dimensions)
            {
                writer.WriteNumber("dimensions"u8, dimensions);
            }
        }

        writer.WriteEndObject();
        return null;
    }

    public override Uri BuildUri(IUpstreamCall call, ProviderKeyConfig? key)
    {
        var bedrock = key?.Bedrock;
        var model = bedrock is not null && bedrock.Deployments.TryGetValue(call.Model, out var deployed) ? deployed : call.Model;
        var action = call.Operation == InferenceOperation.Embeddings ? "invoke" : call.Sniff.Stream ? "converse-stream" : "converse";
        var region = RegionOf(bedrock);
        return call.Provider.UriCache.GetOrAdd($"{region}|{model}|{action}", static (_, state) =>
        {
            var root = string.IsNullOrEmpty(state.BaseUrl) ? $"https://bedrock-runtime.{state.Region}.amazonaws.com" : state.BaseUrl;
            return new Uri($"{root}/model/{Uri.EscapeDataString(state.Model)}/{state.Action}");
        }, (call.Provider.Config.BaseUrl, Region: region, Model: model, Action: action));
    }

    public override void ApplyAuth(HttpRequestMessage request, ProviderRuntime provider, string? secret)
    {
        // A key with a value is a Bedrock API key (Bearer); keys without one sign with SigV4 in SignRequest.
        if (!string.IsNullOrEmpty(secret))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
    }

    public override void SignRequest(HttpRequestMessage request, IUpstreamCall call, ProviderKeyConfig? key, ReadOnlySpan<byte> body)
    {
        if (request.Headers.Authorization is not null || AwsCredentials.For(key?.Bedrock) is not { } credentials)
        {
            return;
        }

        // Signatures are valid for 15 minutes around AWS's clock, so the wall clock is what matters here.
        SigV4Signer.Sign(request, body, credentials, RegionOf(key?.Bedrock), Service, DateTimeOffset.UtcNow);
    }

    private static string RegionOf(BedrockKeyConfig? config) =>
        config?.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? BedrockKeyConfig.DefaultRegion;

    protected override ChatAnswer ReadChatAnswer(JsonElement body)
    {
        var message = JsonText.Object(JsonText.Object(body, "output"), "message");
        var answer = new ChatAnswer { Id = "chatcmpl-bedrock-" + Guid.NewGuid().ToString("N")[..16], Usage = ReadUsage(JsonText.Object(body, "usage")) };
        string? text = null, reasoning = null;
        foreach (var block in JsonText.Array(message, "content"))
        {
            if (JsonText.String(block, "text") is { } piece)
            {
                text += piece;
            }
            else if (JsonText.Object(block, "toolUse") is { ValueKind: JsonValueKind.Object } toolUse)
            {
                var input = toolUse.TryGetProperty("input", out var i) ? i.GetRawText() : "{}";
                answer.ToolCalls.Add(new ToolCall(JsonText.String(toolUse, "toolUseId") ?? string.Empty, JsonText.String(toolUse, "name") ?? string.Empty, input));
            }
            else if (JsonText.Object(JsonText.Object(block, "reasoningContent"), "reasoningText") is { ValueKind: JsonValueKind.Object } thought)
            {
                reasoning += JsonText.String(thought, "text");
            }
        }

        answer.Text = text;
        answer.Reasoning = reasoning;
        answer.FinishReason = FinishReason(JsonText.String(body, "stopReason"));
        return answer;
    }

    public static string? FinishReason(string? stopReason) => stopReason switch
    {
        null => null,
        "tool_use" => "tool_calls",
        "max_tokens" or "model_context_window_exceeded" => "length",
        "guardrail_intervened" or "content_filtered" => "content_filter",
        _ => "stop",
    };

    /// <summary>Converse's inputTokens exclude cache reads and writes (as Anthropic's do); OpenAI's prompt_tokens include them.</summary>
    public static TokenUsage ReadUsage(JsonElement usage)
    {
        var read = JsonText.Int(usage, "cacheReadInputTokens");
        var write = JsonText.Int(usage, "cacheWriteInputTokens");
        return new TokenUsage(JsonText.Int(usage, "inputTokens") + read + write, JsonText.Int(usage, "outputTokens"), read, write);
    }

    protected override TokenUsage WriteEmbeddingAnswer(IUpstreamCall call, JsonElement body, Utf8JsonWriter writer)
    {
        List<JsonElement> vectors = body.TryGetProperty("embedding", out var single) ? [single] : JsonText.Array(body, "embeddings").ToList();
        var tokens = JsonText.Int(body, "inputTextTokenCount");
        EmbeddingAnswer.Write(writer, call.Model, vectors, tokens, call.Sniff.WantsBase64);
        return EmbeddingAnswer.Usage(tokens);
    }

    public override IStreamTranslator CreateStreamTranslator(IUpstreamCall call) =>
        new ConverseStreamTranslator(call.Model, call.Created, call.Provider.Name);

    public override IStreamEventReader CreateEventReader(Stream upstream) => new AwsEventStreamReader(upstream);
}
