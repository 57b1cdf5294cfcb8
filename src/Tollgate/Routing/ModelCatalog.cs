using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Providers;

namespace Tollgate.Routing;

/// <summary>
/// Every routable model: those named in the config (explicit key models, Azure deployments) plus those discovered live
/// (Databricks <c>GET /api/2.0/serving-endpoints</c> keeping READY LLM endpoints, OpenAI-compatible <c>GET /models</c>,
/// Anthropic <c>GET /v1/models</c>). Discovery results are cached per provider; a failing provider keeps its last list.
/// </summary>
internal sealed class ModelCatalog
{
    private static readonly TimeSpan DiscoveryTimeout = TimeSpan.FromSeconds(5);

    private readonly ProviderRegistry _registry;
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;
    private readonly ILogger<ModelCatalog> _logger;
    private readonly ConcurrentDictionary<string, CachedList> _cache = new(StringComparer.Ordinal);

    public ModelCatalog(ProviderRegistry registry, TimeProvider time, GatewayOptions options, ILogger<ModelCatalog> logger)
    {
        _registry = registry;
        _time = time;
        _ttl = options.ModelDiscoveryTtl;
        _logger = logger;
    }

    public async Task<IReadOnlyList<ModelEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var providers = _registry.Providers.Values.ToArray();
        var lists = await Task.WhenAll(providers.Select(p => ListProviderAsync(p, cancellationToken))).ConfigureAwait(false);
        return lists.SelectMany(l => l).DistinctBy(e => e.Id).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Providers whose configured or already-discovered models include <paramref name="model"/> (no network).</summary>
    public IEnumerable<ProviderRuntime> ProvidersServing(string model)
    {
        foreach (var provider in _registry.Providers.Values)
        {
            if (Configured(provider).Any(e => e.Model == model)
                || (_cache.TryGetValue(CacheKey(provider), out var cached) && cached.Entries.Any(e => e.Model == model) && IsAllowed(provider, model)))
            {
                yield return provider;
            }
        }
    }

    private async Task<IEnumerable<ModelEntry>> ListProviderAsync(ProviderRuntime provider, CancellationToken cancellationToken)
    {
        var configured = Configured(provider);
        var discovered = await DiscoverCachedAsync(provider, cancellationToken).ConfigureAwait(false);
        return configured.Concat(discovered.Where(e => IsAllowed(provider, e.Model)));
    }

    /// <summary>A discovered model is routable only if one of the provider's keys may serve it.</summary>
    private static bool IsAllowed(ProviderRuntime provider, string model) =>
        provider.Config.Keys.Count == 0 || provider.Config.Keys.Any(k => KeySelector.AllowsModel(k, model));

    private static IEnumerable<ModelEntry> Configured(ProviderRuntime provider)
    {
        foreach (var key in provider.Config.Keys)
        {
            foreach (var model in key.Models)
            {
                if (!Glob.IsPattern(model))
                {
                    yield return new ModelEntry(provider.Name, model, ModelSource.Configured);
                }
            }

            var deployments = key.Azure?.Deployments ?? key.Vertex?.Deployments ?? key.Bedrock?.Deployments;
            foreach (var model in deployments?.Keys ?? [])
            {
                yield return new ModelEntry(provider.Name, model, ModelSource.Configured);
            }
        }
    }

    private static string CacheKey(ProviderRuntime provider) => $"{provider.Name}|{provider.Config.BaseUrl}";

    private async Task<IReadOnlyList<ModelEntry>> DiscoverCachedAsync(ProviderRuntime provider, CancellationToken cancellationToken)
    {
        var key = CacheKey(provider);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && now - cached.FetchedAt < _ttl)
        {
            return cached.Entries;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(DiscoveryTimeout);
            var entries = await DiscoverAsync(provider, timeout.Token).ConfigureAwait(false);
            _cache[key] = new CachedList(entries, now);
            return entries;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or CredentialException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            _logger.LogWarning("Model discovery for provider {Provider} failed: {Reason}", provider.Name, ex.Message);
            // Keep serving the stale list, but retry after a short pause rather than on every call.
            var stale = cached?.Entries ?? [];
            _cache[key] = new CachedList(stale, now - _ttl + TimeSpan.FromSeconds(30));
            return stale;
        }
    }

    private static async Task<IReadOnlyList<ModelEntry>> DiscoverAsync(ProviderRuntime provider, CancellationToken cancellationToken)
    {
        var traits = provider.Traits;
        // Azure deployments, Vertex publisher models and Bedrock models (a control-plane API on another host) are not
        // listed by the runtime endpoint the key can call: their models come from the config.
        if (traits.Kind is ProviderKind.Azure or ProviderKind.Vertex or ProviderKind.Bedrock)
        {
            return [];
        }

        var path = traits.Kind switch
        {
            ProviderKind.Databricks => "/api/2.0/serving-endpoints",
            ProviderKind.Anthropic => "/v1/models?limit=1000",
            ProviderKind.Gemini => "/v1beta/models?pageSize=1000",
            ProviderKind.Cohere => "/v1/models?page_size=1000",
            _ => "/models",
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, provider.Config.BaseUrl + path);
        var key = provider.Config.Keys.Count > 0 ? provider.Config.Keys[0] : null;
        var secret = await provider.CredentialFor(key).GetAsync(cancellationToken).ConfigureAwait(false);
        provider.Client.ApplyAuth(request, provider, secret);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await provider.Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path} answered HTTP {(int)response.StatusCode}");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        return traits.Kind switch
        {
            ProviderKind.Databricks => ReadDatabricksEndpoints(provider.Name, document.RootElement),
            ProviderKind.Gemini or ProviderKind.Cohere => ReadNamedModels(provider.Name, document.RootElement),
            _ => ReadModelList(provider.Name, document.RootElement),
        };
    }

    private static List<ModelEntry> ReadDatabricksEndpoints(string provider, JsonElement root)
    {
        var entries = new List<ModelEntry>();
        if (!root.TryGetProperty("endpoints", out var endpoints) || endpoints.ValueKind != JsonValueKind.Array)
        {
            return entries;
        }

        foreach (var endpoint in endpoints.EnumerateArray())
        {
            var name = endpoint.TryGetProperty("name", out var n) ? n.GetString() : null;
            var ready = endpoint.TryGetProperty("state", out var state) && state.TryGetProperty("ready", out var r) && r.GetString() == "READY";
            var task = endpoint.TryGetProperty("task", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            // Only endpoints that can answer now and speak an LLM task are routable (custom ML models are not).
            if (name is not null && ready && task is not null && task.StartsWith("llm/v1/", StringComparison.Ordinal))
            {
                entries.Add(new ModelEntry(provider, name, ModelSource.Discovered, task["llm/v1/".Length..]));
            }
        }

        return entries;
    }

    private static List<ModelEntry> ReadModelList(string provider, JsonElement root)
    {
        var entries = new List<ModelEntry>();
        if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var model in data.EnumerateArray())
            {
                if (model.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } name)
                {
                    entries.Add(new ModelEntry(provider, name, ModelSource.Discovered));
                }
            }
        }

        return entries;
    }

    /// <summary>
    /// Gemini (<c>{"models":[{"name":"models/gemini-2.5-flash","supportedGenerationMethods":[...]}]}</c>) and Cohere
    /// (<c>{"models":[{"name","endpoints":["chat","embed"]}]}</c>): chat and embedding models only.
    /// </summary>
    private static List<ModelEntry> ReadNamedModels(string provider, JsonElement root)
    {
        var entries = new List<ModelEntry>();
        if (!root.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Array)
        {
            return entries;
        }

        foreach (var model in models.EnumerateArray())
        {
            if (!model.TryGetProperty("name", out var n) || n.GetString() is not { Length: > 0 } name)
            {
                continue;
            }

            var methods = model.TryGetProperty("supportedGenerationMethods", out var m) ? m : model.TryGetProperty("endpoints", out var e) ? e : default;
            var usable = methods.ValueKind != JsonValueKind.Array || methods.EnumerateArray().Any(x =>
                x.GetString() is "generateContent" or "embedContent" or "chat" or "embed");
            if (usable)
            {
                entries.Add(new ModelEntry(provider, name.StartsWith("models/", StringComparison.Ordinal) ? name["models/".Length..] : name, ModelSource.Discovered));
            }
        }

        return entries;
    }

    private sealed record CachedList(IReadOnlyList<ModelEntry> Entries, DateTimeOffset FetchedAt);
}
