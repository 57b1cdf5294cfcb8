using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Tollgate.Api.Dialects;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Providers;
using Tollgate.Providers.OpenAICompatible;
using Tollgate.Routing;

namespace Tollgate.Tests.Pipeline;

/// <summary>Hand-written pieces for driving the pipeline's types without sockets: providers, calls, credentials, an upstream.</summary>
internal static class PipelineFakes
{
    public static ProviderKeyConfig Key(string name) => new() { Id = name, Name = name, Value = "sk-" + name + "-secret", Weight = 1, Models = ["*"] };

    public static ProviderRuntime Provider(NetworkConfig network, IReadOnlyDictionary<string, ICredential>? credentials = null, params ProviderKeyConfig[] keys) => new()
    {
        Config = new ProviderConfig { Name = "openai", Kind = ProviderKind.OpenAI, BaseUrl = "http://127.0.0.1:1/v1", Keys = keys, Network = network },
        Traits = ProviderTraits.For(ProviderKind.OpenAI),
        Client = OpenAICompatibleClient.Instance,
        Http = new HttpMessageInvoker(new SocketsHttpHandler()),
        Credentials = (credentials ?? new Dictionary<string, ICredential>()).ToFrozenDictionary(),
        Health = [.. keys.Select(k => new KeyHealth("openai", k.Name, k.Weight, HealthOptions.Default))],
    };

    public static InferenceCall Call(ProviderRuntime provider, bool stream = false, HttpContext? http = null) => new()
    {
        Http = http ?? new DefaultHttpContext(),
        Operation = InferenceOperation.ChatCompletions,
        Dialect = OpenAIDialect.Instance,
        Body = "{}"u8.ToArray(),
        Sniff = new RequestSniff { Model = "gpt-4o-mini", Stream = stream },
        RequestId = "req-1",
        StartedAt = 0,
        Created = 1_700_000_000,
        Provider = provider,
        Model = "gpt-4o-mini",
        Client = provider.Client,
    };

    public static ValueTask<(GatewayError? Error, bool KeyScoped)> NoModelLimits(InferenceCall call, ProviderKeyConfig? key) => default;

    public static GatewayError Upstream(int status, int? retryAfterSeconds = null) =>
        new(status, $"upstream said {status}", status == 429 ? "rate_limit_error" : "upstream_error", null)
        {
            Retryable = status is 429 or >= 500,
            RetryAfterSeconds = retryAfterSeconds,
        };

    /// <summary>An upstream scripted per attempt: each answer is an error or null (success, as if the answer went out).</summary>
    public sealed class ScriptedUpstream(params GatewayError?[] answers) : IUpstreamExchange
    {
        private int _next;

        public List<(string? Key, string? Secret)> Attempts { get; } = [];

        public Task<AttemptOutcome> SendAsync(InferenceCall call, ProviderKeyConfig? key, string? secret, ReadOnlyMemory<byte> upstreamBody)
        {
            Attempts.Add((key?.Name, secret));
            var answer = answers[Math.Min(_next++, answers.Length - 1)];
            if (answer is null)
            {
                call.Succeeded = true;
            }

            return Task.FromResult(new AttemptOutcome(answer));
        }
    }

    /// <summary>An OAuth-like credential: a new token after each invalidation.</summary>
    public sealed class RefreshingCredential : ICredential
    {
        private int _generation = 1;

        public int Invalidations { get; private set; }

        public bool CanRefresh => true;

        public ValueTask<string?> GetAsync(CancellationToken cancellationToken) => new("token-" + _generation);

        public void Invalidate(string rejected)
        {
            Invalidations++;
            _generation++;
        }
    }
}
