using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Inference;

namespace Tollgate.Providers.OpenAICompatible;

/// <summary>
/// Responses API clients talking to OpenAI: the request goes to <c>{base}/responses</c> as sent (only <c>model</c>
/// rewritten) and the answer, JSON or event stream, comes back byte for byte, so hosted tools, reasoning items and
/// OpenAI-kept conversations (<c>previous_response_id</c>) work. Usage is read on the way for governance.
/// </summary>
internal sealed class OpenAIResponsesPassthroughClient() : PassthroughClient(ResponsesPassthroughEvents.Instance)
{
    public static readonly OpenAIResponsesPassthroughClient Instance = new();

    public override Uri BuildUri(IUpstreamCall call, ProviderKeyConfig? key) => new($"{call.Provider.Config.BaseUrl}/responses");

    public override void ApplyAuth(HttpRequestMessage request, ProviderRuntime provider, string? secret) =>
        OpenAICompatibleClient.Instance.ApplyAuth(request, provider, secret);

    protected override TokenUsage ReadAnswerUsage(ReadOnlySpan<byte> answer) => ReadUsage(answer, fromCompletedEvent: false);

    /// <summary>Responses usage: <c>input_tokens</c> (cached included), <c>output_tokens</c>, cached in the details.</summary>
    internal static TokenUsage ReadUsage(ReadOnlySpan<byte> json, bool fromCompletedEvent)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = fromCompletedEvent && document.RootElement.TryGetProperty("response"u8, out var response) ? response : document.RootElement;
            if (!root.TryGetProperty("usage"u8, out var usage) || usage.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            int Read(JsonElement element, string name) => element.TryGetProperty(name, out var value) && value.TryGetInt32(out var n) ? n : 0;
            var cached = usage.TryGetProperty("input_tokens_details"u8, out var details) ? Read(details, "cached_tokens") : 0;
            return new TokenUsage(Read(usage, "input_tokens"), Read(usage, "output_tokens"), cached);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
