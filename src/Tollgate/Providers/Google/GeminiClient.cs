using System.Net.Http.Headers;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Providers.Translation;
using Tollgate.Streaming;

namespace Tollgate.Providers.Google;

/// <summary>
/// Google's generateContent API behind the OpenAI dialect, for both of its hosts:
/// <code>
///   gemini: {base}/v1beta/models/{model}:generateContent | :streamGenerateContent?alt=sse | :batchEmbedContents
///           x-goog-api-key: {key}
///   vertex: {base}/v1/projects/{project}/locations/{region}/publishers/google/models/{model}:generateContent | ... | :predict
///           Authorization: Bearer {service-account OAuth token}; base defaults to https://{region}-aiplatform.googleapis.com
/// </code>
/// The chat body and answers are the same on both; embeddings differ (batchEmbedContents against the Vertex predict API).
/// </summary>
internal sealed class GeminiClient : TranslatingClient
{
    public static readonly GeminiClient Instance = new();

    protected override string FamilyName => "Google";

    protected override GatewayError? WriteChatBody(IUpstreamCall call, ChatRequest request, Utf8JsonWriter writer) =>
        GeminiRequestWriter.Write(request, writer);

    protected override GatewayError? WriteEmbeddingBody(IUpstreamCall call, EmbeddingRequest request, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (IsVertex(call.Provider))
        {
            // Vertex text-embedding models: the predict API, which also reports token counts.
            writer.WriteStartArray("instances"u8);
            foreach (var input in request.Inputs)
            {
                writer.WriteStartObject();
                writer.WriteString("content"u8, input);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (request.Dimensions is { } vertexDimensions)
            {
                writer.WriteStartObject("parameters"u8);
                writer.WriteNumber("outputDimensionality"u8, vertexDimensions);
                writer.WriteEndObject();
            }
        }
        else
        {
            writer.WriteStartArray("requests"u8);
            foreach (var input in request.Inputs)
            {
                writer.WriteStartObject();
                writer.WriteString("model"u8, "models/" + ModelId(call.Model));
                writer.WriteStartObject("content"u8);
                writer.WriteStartArray("parts"u8);
                writer.WriteStartObject();
                writer.WriteString("text"u8, input);
                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
                if (request.Dimensions is { } dimensions)
                {
                    writer.WriteNumber("outputDimensionality"u8, dimensions);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return null;
    }

    public override Uri BuildUri(IUpstreamCall call, ProviderKeyConfig? key)
    {
        var provider = call.Provider;
        var action = call.Operation == InferenceOperation.Embeddings
            ? IsVertex(provider) ? ":predict" : ":batchEmbedContents"
            : call.Sniff.Stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
        if (IsVertex(provider) && key?.Vertex is { } vertex)
        {
            var model = vertex.Deployments.TryGetValue(call.Model, out var deployed) ? deployed : call.Model;
            var cacheKey = $"{key.Id}|{model}|{action}";
            return provider.UriCache.GetOrAdd(cacheKey, static (_, state) =>
            {
                var (baseUrl, vertex, model, action) = state;
                var root = string.IsNullOrEmpty(baseUrl) ? VertexHost(vertex.Region) : baseUrl;
                return new Uri($"{root}/v1/projects/{Uri.EscapeDataString(vertex.ProjectId)}/locations/{Uri.EscapeDataString(vertex.Region)}/publishers/google/models/{Uri.EscapeDataString(model)}{action}");
            }, (provider.Config.BaseUrl, vertex, ModelId(model), action));
        }

        return provider.UriCache.GetOrAdd(call.Model + action, static (_, state) =>
            new Uri($"{state.BaseUrl}/v1beta/models/{Uri.EscapeDataString(state.Model)}{state.Action}"), (provider.Config.BaseUrl, Model: ModelId(call.Model), Action: action));
    }

    /// <summary>Vertex's regional host; the <c>global</c> location has no region prefix.</summary>
    public static string VertexHost(string region) =>
        region == "global" ? "https://aiplatform.googleapis.com" : $"https://{region}-aiplatform.googleapis.com";

    public override void ApplyAuth(HttpRequestMessage request, ProviderRuntime provider, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        if (IsVertex(provider))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
        else
        {
            // The header rather than ?key=, so the key never lands in a URL (logs, traces).
            request.Headers.TryAddWithoutValidation("x-goog-api-key", secret);
        }
    }

    protected override ChatAnswer ReadChatAnswer(JsonElement body) => GeminiAnswer.Read(body);

    protected override TokenUsage WriteEmbeddingAnswer(IUpstreamCall call, JsonElement body, Utf8JsonWriter writer)
    {
        var vectors = new List<JsonElement>();
        var tokens = 0;
        if (IsVertex(call.Provider))
        {
            foreach (var prediction in JsonText.Array(body, "predictions"))
            {
                var embeddings = JsonText.Object(prediction, "embeddings");
                vectors.Add(embeddings.TryGetProperty("values", out var values) ? values : default);
                tokens += JsonText.Int(JsonText.Object(embeddings, "statistics"), "token_count");
            }
        }
        else
        {
            foreach (var embedding in JsonText.Array(body, "embeddings"))
            {
                vectors.Add(embedding.TryGetProperty("values", out var values) ? values : default);
            }

            // The Gemini API reports no token counts for embeddings; Google's rule of thumb is four characters a token.
            tokens = EstimateTokens(call.Body.Span);
        }

        EmbeddingAnswer.Write(writer, call.Model, vectors, tokens, call.Sniff.WantsBase64);
        return EmbeddingAnswer.Usage(tokens);
    }

    public override IStreamTranslator CreateStreamTranslator(IUpstreamCall call) =>
        new GeminiStreamTranslator(call.Model, call.Created, call.Provider.Name);

    private static bool IsVertex(ProviderRuntime provider) => provider.Traits.Kind == ProviderKind.Vertex;

    /// <summary>Gemini names models <c>models/gemini-2.5-flash</c>; either spelling is accepted.</summary>
    private static string ModelId(string model) => model.StartsWith("models/", StringComparison.Ordinal) ? model["models/".Length..] : model;

    private static int EstimateTokens(ReadOnlySpan<byte> openAIBody)
    {
        var request = EmbeddingRequest.TryRead(openAIBody.ToArray(), out var parsed) is null ? parsed : null;
        return request is null ? 0 : request.Inputs.Sum(i => (i.Length + 3) / 4);
    }
}
