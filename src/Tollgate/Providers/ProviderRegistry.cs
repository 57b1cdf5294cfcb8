using System.Collections.Frozen;
using System.Net;
using Tollgate.Configuration;
using Tollgate.Providers.Anthropic;
using Tollgate.Providers.Databricks;
using Tollgate.Providers.Google;
using Tollgate.Providers.OpenAICompatible;

namespace Tollgate.Providers;

/// <summary>
/// Turns the live config into ready <see cref="ProviderRuntime"/>s, swapped atomically on every config change. HTTP
/// handlers and OAuth credentials survive a reload when their inputs did not change, so connection pools and cached
/// tokens are kept.
/// </summary>
internal sealed class ProviderRegistry
{
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string BaseUrl, TimeSpan ConnectTimeout), HttpMessageInvoker> _invokers = [];
    private readonly Dictionary<(string Host, string ClientId, string Secret), DatabricksOAuthCredential> _oauth = [];
    private readonly Dictionary<(string Provider, string KeyId), KeyHealth> _health = [];
    private readonly Dictionary<string, ICredential> _google = new(StringComparer.Ordinal);
    private volatile FrozenDictionary<string, ProviderRuntime> _providers = FrozenDictionary<string, ProviderRuntime>.Empty;

    public ProviderRegistry(GatewayConfigMonitor monitor, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _time = time;
        _loggerFactory = loggerFactory;
        monitor.Changed += Rebuild;
        Rebuild(monitor.Current);
    }

    public FrozenDictionary<string, ProviderRuntime> Providers => _providers;

    public bool TryGet(string name, out ProviderRuntime provider) => _providers.TryGetValue(name, out provider!);

    private void Rebuild(GatewayConfig config)
    {
        lock (_gate)
        {
            var built = new Dictionary<string, ProviderRuntime>(StringComparer.Ordinal);
            foreach (var (name, provider) in config.Providers)
            {
                built[name] = Build(provider);
            }

            _providers = built.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    private ProviderRuntime Build(ProviderConfig config)
    {
        var traits = ProviderTraits.For(config.Kind);
        var invoker = InvokerFor(config);
        var credentials = new Dictionary<string, ICredential>(StringComparer.Ordinal);
        foreach (var key in config.Keys)
        {
            credentials[key.Id] = key switch
            {
                { Databricks: { } sp } => OAuthFor(config.BaseUrl, sp, invoker),
                { Vertex: { } vertex } when key.Value is null => GoogleFor(vertex, invoker),
                _ => new StaticCredential(key.Value),
            };
        }

        if (config.Keys.Count == 0)
        {
            credentials[ProviderRuntime.KeylessId] = StaticCredential.None;
        }

        var health = config.Keys.Count == 0
            ? [HealthFor(config.Name, ProviderRuntime.KeylessId, "(none)", 1)]
            : config.Keys.Select(k => HealthFor(config.Name, k.Id, k.Name, k.Weight)).ToArray();
        return new ProviderRuntime
        {
            Config = config,
            Health = health,
            Traits = traits,
            Client = ClientFor(traits.Family),
            Http = invoker,
            Credentials = credentials.ToFrozenDictionary(StringComparer.Ordinal),
        };
    }

    private static ProviderClient ClientFor(ProviderFamily family) => family switch
    {
        ProviderFamily.Anthropic => AnthropicClient.Instance,
        ProviderFamily.Google => GeminiClient.Instance,
        ProviderFamily.Cohere => Cohere.CohereClient.Instance,
        ProviderFamily.Bedrock => Bedrock.BedrockClient.Instance,
        _ => OpenAICompatibleClient.Instance,
    };

    /// <summary>
    /// A Vertex key's service-account token source, kept across reloads while its key JSON is the same. Without
    /// auth_credentials the key file named by GOOGLE_APPLICATION_CREDENTIALS (Application Default Credentials) is used.
    /// </summary>
    private ICredential GoogleFor(VertexKeyConfig vertex, HttpMessageInvoker invoker)
    {
        var json = vertex.AuthCredentials;
        if (json is null && Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS") is { Length: > 0 } path && File.Exists(path))
        {
            json = File.ReadAllText(path);
        }

        if (json is null)
        {
            return new FailingCredential(new CredentialException(500,
                "The Vertex key has no auth_credentials and GOOGLE_APPLICATION_CREDENTIALS names no readable service account key."));
        }

        if (!_google.TryGetValue(json, out var credential))
        {
            try
            {
                credential = new GoogleServiceAccountCredential(ServiceAccountKey.Parse(json), invoker, _time,
                    _loggerFactory.CreateLogger<GoogleServiceAccountCredential>());
            }
            catch (CredentialException ex)
            {
                credential = new FailingCredential(ex);
            }

            _google[json] = credential;
        }

        return credential;
    }

    /// <summary>Health survives reloads per (provider, key id), so a reload does not forget a failing key.</summary>
    private KeyHealth HealthFor(string provider, string keyId, string keyName, double weight)
    {
        if (_health.TryGetValue((provider, keyId), out var health))
        {
            health.Reconfigure(weight);
            return health;
        }

        health = new KeyHealth(provider, keyName, weight, HealthOptions.Default);
        _health[(provider, keyId)] = health;
        return health;
    }

    private HttpMessageInvoker InvokerFor(ProviderConfig config)
    {
        var key = (config.BaseUrl, config.Network.ConnectTimeout);
        if (!_invokers.TryGetValue(key, out var invoker))
        {
            // One pooled handler per upstream, configured like YARP's forwarder client: no redirects, decompression or
            // cookies, and no proxy unless the environment names one (UpstreamProxy); HttpMessageInvoker rather than
            // HttpClient, which would buffer responses.
            var handler = new SocketsHttpHandler
            {
                UseProxy = UpstreamProxy.IsConfigured,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                ConnectTimeout = config.Network.ConnectTimeout,
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
                PooledConnectionLifetime = TimeSpan.FromMinutes(10),
                EnableMultipleHttp2Connections = true,
            };
            invoker = new HttpMessageInvoker(handler, disposeHandler: true);
            _invokers[key] = invoker;
        }

        return invoker;
    }

    private DatabricksOAuthCredential OAuthFor(string host, DatabricksKeyConfig sp, HttpMessageInvoker invoker)
    {
        var key = (host, sp.ClientId, sp.ClientSecret);
        if (!_oauth.TryGetValue(key, out var credential))
        {
            credential = new DatabricksOAuthCredential(host, sp.ClientId, sp.ClientSecret, invoker, _time,
                _loggerFactory.CreateLogger<DatabricksOAuthCredential>());
            _oauth[key] = credential;
        }

        return credential;
    }
}
