using System.Buffers;
using System.Net.Http.Headers;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Streaming;

namespace Tollgate.Providers.OpenAICompatible;

/// <summary>
/// The client for every OpenAI-dialect upstream (OpenAI, Azure OpenAI, Databricks, Groq, vLLM, ...). Bodies are
/// forwarded as bytes with only <c>model</c>, <c>stream_options</c>, <c>encoding_format</c> and <c>fallbacks</c> touched.
/// </summary>
internal sealed class OpenAICompatibleClient : ProviderClient
{
    public static readonly OpenAICompatibleClient Instance = new();

    private const int MaxCachedEndpoints = 1024;

    public override GatewayError? CheckSupported(ProviderRuntime provider, InferenceOperation operation) => operation switch
    {
        InferenceOperation.Completions when !provider.Traits.SupportsCompletions =>
            GatewayError.BadRequest($"Provider '{provider.Name}' does not serve legacy completions.", "model", "unsupported_operation"),
        InferenceOperation.Embeddings when !provider.Traits.SupportsEmbeddings =>
            GatewayError.BadRequest($"Provider '{provider.Name}' does not serve embeddings.", "model", "unsupported_operation"),
        _ => null,
    };

    public override GatewayError? WriteBody(IUpstreamCall call, IBufferWriter<byte> output)
    {
        var traits = call.Provider.Traits;
        var streamOptions = call.Sniff.Stream
            ? traits.AcceptsStreamOptions ? StreamOptionsAction.ForceIncludeUsage : StreamOptionsAction.Remove
            : traits.AcceptsStreamOptions ? StreamOptionsAction.Keep : StreamOptionsAction.Remove;
        var rewrite = new BodyRewrite
        {
            // Databricks invocations name the endpoint in the URL; the body's model field is not needed there.
            Model = traits.Kind == ProviderKind.Databricks ? null : call.Model,
            StreamOptions = call.Operation == InferenceOperation.Embeddings ? StreamOptionsAction.Keep : streamOptions,
            RemoveEncodingFormat = EncodesEmbeddingsLocally(call),
        };
        BodyRewriter.Rewrite(call.Body.Span, rewrite, output);
        return null;
    }

    public override Uri BuildUri(IUpstreamCall call, ProviderKeyConfig? key)
    {
        var provider = call.Provider;
        var operationPath = call.Operation switch
        {
            InferenceOperation.Completions => "completions",
            InferenceOperation.Embeddings => "embeddings",
            _ => "chat/completions",
        };

        if (provider.Traits.Kind == ProviderKind.Databricks)
        {
            // One URI per serving endpoint, cached: a workspace serves few. Client-chosen names must not grow the cache
            // without bound, so past a cap the URI is built per request.
            if (provider.UriCache.TryGetValue(call.Model, out var cached))
            {
                return cached;
            }

            var uri = new Uri($"{provider.Config.BaseUrl}/serving-endpoints/{Uri.EscapeDataString(call.Model)}/invocations");
            if (provider.UriCache.Count < MaxCachedEndpoints)
            {
                provider.UriCache.TryAdd(call.Model, uri);
            }

            return uri;
        }

        if (provider.Traits.Kind == ProviderKind.Azure && key?.Azure is { } azure)
        {
            var deployment = azure.Deployments.TryGetValue(call.Model, out var named) ? named : call.Model;
            return new Uri($"{azure.Endpoint}/openai/deployments/{Uri.EscapeDataString(deployment)}/{operationPath}?api-version={Uri.EscapeDataString(azure.ApiVersion)}");
        }

        return provider.UriCache.GetOrAdd(operationPath, static (path, baseUrl) => new Uri($"{baseUrl}/{path}"), provider.Config.BaseUrl);
    }

    public override void ApplyAuth(HttpRequestMessage request, ProviderRuntime provider, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        if (provider.Traits.Auth == AuthStyle.ApiKeyHeader)
        {
            request.Headers.TryAddWithoutValidation("api-key", secret);
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
    }

    public override bool TransformsResponse(IUpstreamCall call) => EncodesEmbeddingsLocally(call);

    public override TokenUsage WriteResponse(IUpstreamCall call, ReadOnlySpan<byte> upstreamBody, IBufferWriter<byte> output)
    {
        EmbeddingBase64Encoder.Rewrite(upstreamBody, output);
        return UsageReader.TryRead(upstreamBody, out var usage, out _) ? usage : default;
    }

    public override IStreamTranslator CreateStreamTranslator(IUpstreamCall call) =>
        new OpenAIStreamPassthrough(call.Sniff.IncludeUsage, call.Provider.Name);

    private static bool EncodesEmbeddingsLocally(IUpstreamCall call) =>
        call.Operation == InferenceOperation.Embeddings && call.Sniff.WantsBase64 && !call.Provider.Traits.NativeBase64Embeddings;
}
