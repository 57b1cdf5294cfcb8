using System.Buffers.Binary;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Providers;
using Tollgate.Routing;

namespace Tollgate.Caching;

/// <summary>
/// Embeds a prompt for the semantic cache through the gateway's own routing: the configured model is resolved like a
/// client's, sent with the provider's first key that serves it (its credential, URL and auth as any call), and the
/// vector read from the OpenAI-shaped answer. Its tokens are counted (<c>tollgate_cache_embedding_tokens_total</c>).
/// A failure is a null vector: the request then goes on as a semantic miss.
/// </summary>
internal sealed class CacheEmbedder(ModelRouter router, CacheMetrics metrics, TimeProvider time, ILogger<CacheEmbedder> logger)
{
    public async Task<float[]?> EmbedAsync(string model, string text, CancellationToken cancellationToken)
    {
        if (router.TryResolve(model, out var provider, out var upstreamModel) is { } error)
        {
            CacheLog.EmbeddingFailed(logger, error.Message);
            return null;
        }

        var body = JsonWire.Object(writer =>
        {
            writer.WriteString("model", model);
            writer.WriteString("input", text);
        });
        RequestSniffer.TrySniff(body, out var sniff, out _);
        var call = new EmbeddingCall { Body = body, Sniff = sniff, Provider = provider, Model = upstreamModel, Created = time.GetUtcNow().ToUnixTimeSeconds() };
        ProviderKeyConfig? key = null;
        foreach (var candidate in provider.Config.Keys)
        {
            if (KeySelector.AllowsModel(candidate, upstreamModel))
            {
                key = candidate;
                break;
            }
        }

        try
        {
            using var upstreamBody = new PooledBufferWriter(body.Length + 64);
            if (provider.Client.WriteBody(call, upstreamBody) is { } bodyError)
            {
                CacheLog.EmbeddingFailed(logger, bodyError.Message);
                return null;
            }

            var secret = await provider.CredentialFor(key).GetAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, provider.Client.BuildUri(call, key))
            {
                Content = new ReadOnlyMemoryContent(upstreamBody.WrittenMemory),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            foreach (var (name, value) in provider.Config.Network.ExtraHeaders)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            provider.Client.ApplyAuth(request, provider, secret);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(provider.Config.Network.RequestTimeout);
            using var response = await provider.Http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                CacheLog.EmbeddingFailed(logger, $"{provider.Name} answered {(int)response.StatusCode}");
                return null;
            }

            if (provider.Client.TransformsResponse(call))
            {
                using var translated = new PooledBufferWriter(bytes.Length + 256);
                provider.Client.WriteResponse(call, bytes, translated);
                bytes = translated.WrittenSpan.ToArray();
            }

            if (UsageReader.TryRead(bytes, out var usage, out _))
            {
                metrics.EmbeddingTokens(usage.PromptTokens);
            }

            return Vector(bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            CacheLog.EmbeddingFailed(logger, ex.Message);
            return null;
        }
    }

    /// <summary><c>data[0].embedding</c> as floats (a float array or base64 float32).</summary>
    private static float[]? Vector(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0
            || !data[0].TryGetProperty("embedding", out var embedding))
        {
            return null;
        }

        if (embedding.ValueKind == JsonValueKind.String)
        {
            var raw = embedding.GetBytesFromBase64();
            var floats = new float[raw.Length / 4];
            for (var i = 0; i < floats.Length; i++)
            {
                floats[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4));
            }

            return floats;
        }

        var vector = new float[embedding.GetArrayLength()];
        var index = 0;
        foreach (var value in embedding.EnumerateArray())
        {
            vector[index++] = value.GetSingle();
        }

        return vector;
    }
}
