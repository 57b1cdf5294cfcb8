using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Inference;

namespace Tollgate.Providers.Anthropic;

/// <summary>
/// Anthropic Messages clients talking to an Anthropic provider: the body goes upstream as sent (only <c>model</c>
/// rewritten) and the answer comes back byte for byte, so nothing is lost in translation (cache_control, thinking
/// signatures, citations, beta features). Usage is read on the way for governance.
/// </summary>
internal sealed class AnthropicPassthroughClient() : PassthroughClient(AnthropicPassthroughEvents.Instance)
{
    public static readonly AnthropicPassthroughClient Instance = new();

    public override Uri BuildUri(IUpstreamCall call, ProviderKeyConfig? key) => AnthropicClient.Instance.BuildUri(call, key);

    public override void ApplyAuth(HttpRequestMessage request, ProviderRuntime provider, string? secret) =>
        AnthropicClient.Instance.ApplyAuth(request, provider, secret);

    public override void ApplyClientHeaders(HttpRequestMessage request, IUpstreamCall call)
    {
        // The client's API version and beta flags decide the upstream behaviour it expects.
        var headers = call.ClientHeaders;
        if (headers["anthropic-version"].ToString() is { Length: > 0 } version)
        {
            request.Headers.Remove("anthropic-version");
            request.Headers.TryAddWithoutValidation("anthropic-version", version);
        }

        if (headers["anthropic-beta"].ToString() is { Length: > 0 } beta)
        {
            request.Headers.TryAddWithoutValidation("anthropic-beta", beta);
        }
    }

    protected override TokenUsage ReadAnswerUsage(ReadOnlySpan<byte> upstreamBody)
    {
        try
        {
            using var document = JsonDocument.Parse(upstreamBody.ToArray());
            return document.RootElement.TryGetProperty("usage"u8, out var usage) ? ReadUsage(usage, default) : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>Anthropic usage: input excludes cache reads and writes; TokenUsage's prompt count includes them.</summary>
    internal static TokenUsage ReadUsage(JsonElement usage, TokenUsage known)
    {
        int Read(string name, int fallback) => usage.TryGetProperty(name, out var value) && value.TryGetInt32(out var n) ? n : fallback;
        var cacheRead = Read("cache_read_input_tokens", known.CachedTokens);
        var cacheWrite = Read("cache_creation_input_tokens", known.CacheWriteTokens);
        var input = usage.TryGetProperty("input_tokens", out var i) && i.TryGetInt32(out var inputTokens)
            ? inputTokens + cacheRead + cacheWrite
            : known.PromptTokens;
        return new TokenUsage(input, Read("output_tokens", known.CompletionTokens), cacheRead, cacheWrite);
    }
}
