using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tollgate.Configuration;

/// <summary>
/// Parses and validates the JSON config file (DESIGN.md, "Config file") into a <see cref="GatewayConfig"/>: the core
/// (client, providers, pricing, routing, sso) here, each feature's section by its <see cref="IConfigSectionReader"/>.
/// Every error names the JSON path of the bad field; the first error stops the load.
/// </summary>
public sealed class ConfigLoader(ISecretResolver secrets, IReadOnlyList<IConfigSectionReader> sections)
{
    /// <summary>The resolver this loader reads secret fields with; the config monitor resolves stored providers with it too.</summary>
    public ISecretResolver Secrets => secrets;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    public GatewayConfig Load(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ConfigException($"$ (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})", "malformed JSON");
        }

        using (document)
        {
            var warnings = new List<string>();
            var root = new JsonObjectReader(document.RootElement, "$");
            // Vaults first: every secret field below may refer to them.
            using var vaults = secrets.BeginLoad(root, warnings);
            var client = ReadClient(root.Object("client"), warnings);
            var providers = ReadProviders(root.Object("providers"), warnings);
            var pricing = ReadPricing(root.Object("pricing"), warnings);
            var routing = root.Object("routing");
            var fallbacks = ReadDefaultFallbacks(routing);
            var rules = ReadRouting(routing, warnings);
            var sso = SsoConfigReader.Read(root.Object("sso"), secrets, warnings);
            var context = new ConfigLoadContext(secrets, warnings);
            foreach (var section in sections)
            {
                section.Read(root, context);
            }

            root.Finish(BifrostFields.Root, warnings);
            return new GatewayConfig
            {
                Client = client,
                Providers = providers,
                Pricing = pricing,
                RoutingRules = rules,
                DefaultFallbacks = fallbacks,
                FileHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..12],
                Sso = sso,
                Sections = vaults.Complete(context.Sections),
                Warnings = warnings,
            };
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadDefaultFallbacks(JsonObjectReader? routing)
    {
        var fallbacks = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (routing?.Object("fallbacks") is not { } reader)
        {
            return fallbacks;
        }

        foreach (var property in reader.Properties())
        {
            fallbacks[property.Name] = reader.StringArray(property.Name) ?? [];
        }

        return fallbacks;
    }

    private static List<RoutingRule> ReadRouting(JsonObjectReader? reader, List<string> warnings)
    {
        var rules = new List<RoutingRule>();
        if (reader is null)
        {
            return rules;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (element, path) in reader.Array("rules"))
        {
            var rule = new JsonObjectReader(element, path);
            var name = rule.RequiredString("name");
            if (!names.Add(name))
            {
                throw new ConfigException(rule.PathOf("name"), $"duplicate rule name '{name}'");
            }

            Dictionary<string, string>? headers = null;
            if (rule.Object("headers") is { } headerReader)
            {
                headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var header in headerReader.Properties())
                {
                    headerReader.Ignore(header.Name);
                    headers[header.Name] = headerReader.RequiredString(header.Name);
                }
            }

            Dictionary<string, string>? metadata = null;
            if (rule.Object("metadata") is { } metadataReader)
            {
                metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var entry in metadataReader.Properties())
                {
                    metadataReader.Ignore(entry.Name);
                    metadata[entry.Name] = metadataReader.RequiredString(entry.Name);
                }
            }

            var targets = new List<RouteTarget>();
            foreach (var (targetElement, targetPath) in rule.Array("targets"))
            {
                var target = new JsonObjectReader(targetElement, targetPath);
                targets.Add(new RouteTarget(target.RequiredString("model"), target.Number("weight", 0, 1_000_000) ?? 1));
                target.Finish(FrozenSet<string>.Empty, warnings);
            }

            if (targets.Count == 0 || targets.All(t => t.Weight <= 0))
            {
                throw new ConfigException(rule.PathOf("targets"), "a rule needs at least one target with a weight above 0");
            }

            rules.Add(new RoutingRule
            {
                Name = name,
                Model = rule.String("model"),
                VirtualKeys = rule.StringArray("virtual_keys"),
                Teams = rule.StringArray("teams"),
                Headers = headers,
                Metadata = metadata,
                Targets = targets,
            });
            rule.Finish(FrozenSet<string>.Empty, warnings);
        }

        reader.Finish(FrozenSet<string>.Empty, warnings);
        return rules;
    }

    private static ClientConfig ReadClient(JsonObjectReader? reader, List<string> warnings)
    {
        if (reader is null)
        {
            return new ClientConfig();
        }

        var config = new ClientConfig
        {
            EnforceAuthOnInference = reader.Bool("enforce_auth_on_inference") ?? false,
            MaxRequestBodySizeMb = reader.Int("max_request_body_size_mb", 1, 1024) ?? ClientConfig.DefaultMaxRequestBodySizeMb,
            ResponseRetentionDays = reader.Int("response_retention_days", 0, 3650) ?? 30,
            MetricsMaxLabelValues = reader.Int("metrics_max_label_values", 1, 100_000) ?? ClientConfig.DefaultMetricsMaxLabelValues,
            MetricsVirtualKeyLabel = reader.Bool("metrics_virtual_key_label") ?? true,
            EnableLogging = reader.Bool("enable_logging") ?? true,
            LogRetentionDays = reader.Int("log_retention_days", 0, 36_500) ?? ClientConfig.DefaultLogRetentionDays,
            AuditRetentionDays = reader.Int("audit_retention_days", 0, 36_500) ?? ClientConfig.DefaultAuditRetentionDays,
            DisableContentLogging = reader.Bool("disable_content_logging") ?? false,
            LogContent = LogContentModes.Read(reader, "log_content") ?? LogContentMode.Off,
            LogQueueCapacity = reader.Int("log_queue_capacity", 1, 10_000_000) ?? ClientConfig.DefaultLogQueueCapacity,
            Connections = ReadConnectionLimits(reader),
            ShutdownGraceSeconds = reader.Int("shutdown_grace_seconds", 0, 3600) ?? ClientConfig.DefaultShutdownGraceSeconds,
        };
        reader.Finish(BifrostFields.Client, warnings);
        return config;
    }

    private static ConnectionLimits ReadConnectionLimits(JsonObjectReader reader)
    {
        var defaults = new ConnectionLimits();
        return new ConnectionLimits
        {
            KeepAliveTimeoutSeconds = reader.Int("keep_alive_timeout_seconds", 1, 3600) ?? defaults.KeepAliveTimeoutSeconds,
            RequestHeadersTimeoutSeconds = reader.Int("request_headers_timeout_seconds", 1, 600) ?? defaults.RequestHeadersTimeoutSeconds,
            MinRequestBodyBytesPerSecond = reader.Int("min_request_body_bytes_per_second", 0, 1_000_000_000) ?? defaults.MinRequestBodyBytesPerSecond,
            MinResponseBytesPerSecond = reader.Int("min_response_bytes_per_second", 0, 1_000_000_000) ?? defaults.MinResponseBytesPerSecond,
            MaxConnections = reader.Int("max_connections", 0, 10_000_000) ?? defaults.MaxConnections,
            MaxRequestHeadersKb = reader.Int("max_request_headers_kb", 1, 1024) ?? defaults.MaxRequestHeadersKb,
        };
    }

    private FrozenDictionary<string, ProviderConfig> ReadProviders(JsonObjectReader? reader, List<string> warnings)
    {
        if (reader is null)
        {
            return FrozenDictionary<string, ProviderConfig>.Empty;
        }

        var providers = new Dictionary<string, ProviderConfig>(StringComparer.Ordinal);
        foreach (var property in reader.Properties())
        {
            reader.Ignore(property.Name);
            var provider = ReadProvider(property.Name, new JsonObjectReader(property.Value, reader.PathOf(property.Name)), warnings);
            if (provider is not null)
            {
                providers[provider.Name] = provider;
            }
        }

        return providers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Reads one provider; returns null for a Bifrost provider type Tollgate does not support yet (with a warning).</summary>
    internal ProviderConfig? ReadProvider(string name, JsonObjectReader reader, List<string> warnings)
    {
        ValidateProviderName(name, reader.Path);
        var custom = reader.Object("custom_provider_config");
        var typeName = custom?.RequiredString("base_provider_type") ?? name;
        if (custom is not null)
        {
            custom.Ignore("is_key_less");
            custom.Finish(BifrostFields.CustomProvider, warnings);
        }

        if (!ProviderTraits.TryGet(typeName, out var traits))
        {
            if (BifrostFields.ProviderTypes.Contains(typeName))
            {
                warnings.Add($"{reader.Path}: provider type '{typeName}' is not supported by Tollgate yet; provider ignored");
                return null;
            }

            var path = custom is null ? reader.Path : custom.PathOf("base_provider_type");
            var hint = custom is null
                ? "; a provider with another name needs custom_provider_config.base_provider_type"
                : string.Empty;
            throw new ConfigException(path,
                $"unknown provider type '{typeName}' (known: {string.Join(", ", ProviderTraits.TypeNames)}){hint}");
        }

        var networkReader = reader.Object("network_config");
        var baseUrl = reader.String("base_url") ?? networkReader?.String("base_url");
        var baseUrlPath = reader.TryGet("base_url", out _) ? reader.PathOf("base_url") : networkReader?.PathOf("base_url") ?? reader.PathOf("base_url");
        baseUrl ??= traits.DefaultBaseUrl;
        var keys = ReadKeys(reader, traits, warnings);

        // Azure keys name their endpoints; Vertex and Bedrock URLs follow each key's region.
        if (baseUrl is null && traits.Kind is not (ProviderKind.Azure or ProviderKind.Vertex or ProviderKind.Bedrock))
        {
            throw new ConfigException(reader.PathOf("base_url"), $"is required for a {traits.TypeName} provider");
        }

        if (baseUrl is not null)
        {
            baseUrl = ValidateUrl(baseUrl, baseUrlPath);
        }

        var network = ReadNetwork(networkReader, warnings);
        reader.Finish(BifrostFields.Provider, warnings);

        var keyOptional = traits.KeyOptional || custom is not null;
        if (keys.Count == 0 && !keyOptional)
        {
            throw new ConfigException(reader.PathOf("keys"), $"a {traits.TypeName} provider needs at least one key");
        }

        return new ProviderConfig
        {
            Name = name,
            Kind = traits.Kind,
            BaseUrl = baseUrl ?? string.Empty,
            Keys = keys,
            Network = network,
            Custom = custom is not null,
            FromConfigFile = true,
        };
    }

    private List<ProviderKeyConfig> ReadKeys(JsonObjectReader provider, ProviderTraits traits, List<string> warnings)
    {
        var keys = new List<ProviderKeyConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (element, path) in provider.Array("keys"))
        {
            var reader = new JsonObjectReader(element, path);
            var index = keys.Count;
            var name = reader.String("name") ?? $"key-{index}";
            var id = reader.String("id") ?? name;
            if (!names.Add(name))
            {
                throw new ConfigException(reader.PathOf("name"), $"duplicate key name '{name}'");
            }

            var rawValue = reader.String("value");
            var value = string.IsNullOrEmpty(rawValue) ? null : secrets.Resolve(rawValue, reader.PathOf("value"));
            var models = reader.StringArray("models");
            var weight = reader.Number("weight", 0, 1_000_000) ?? 1.0;

            AzureKeyConfig? azure = null;
            if (reader.Object("azure_key_config") is { } azureReader)
            {
                var deployments = new Dictionary<string, string>(StringComparer.Ordinal);
                if (azureReader.Object("deployments") is { } deploymentReader)
                {
                    foreach (var deployment in deploymentReader.Properties())
                    {
                        deploymentReader.Ignore(deployment.Name);
                        deployments[deployment.Name] = deploymentReader.RequiredString(deployment.Name);
                    }
                }

                azure = new AzureKeyConfig
                {
                    Endpoint = ValidateUrl(secrets.Resolve(azureReader.RequiredString("endpoint"), azureReader.PathOf("endpoint")), azureReader.PathOf("endpoint")),
                    ApiVersion = azureReader.String("api_version") ?? AzureKeyConfig.DefaultApiVersion,
                    Deployments = deployments,
                };
                azureReader.Finish(BifrostFields.AzureKey, warnings);
            }

            DatabricksKeyConfig? databricks = null;
            if (reader.Object("databricks_key_config") is { } dbxReader)
            {
                databricks = new DatabricksKeyConfig
                {
                    ClientId = secrets.Resolve(dbxReader.RequiredString("client_id"), dbxReader.PathOf("client_id")),
                    ClientSecret = secrets.Resolve(dbxReader.RequiredString("client_secret"), dbxReader.PathOf("client_secret")),
                };
                dbxReader.Finish(FrozenSet<string>.Empty, warnings);
            }

            var vertex = ReadVertexKey(reader, warnings);
            var bedrock = ReadBedrockKey(reader, warnings);
            reader.Finish(BifrostFields.Key, warnings);

            if (vertex is not null && traits.Kind != ProviderKind.Vertex)
            {
                throw new ConfigException(reader.PathOf("vertex_key_config"), $"only applies to vertex providers, not {traits.TypeName}");
            }

            if (bedrock is not null && traits.Kind != ProviderKind.Bedrock)
            {
                throw new ConfigException(reader.PathOf("bedrock_key_config"), $"only applies to bedrock providers, not {traits.TypeName}");
            }

            if (traits.Kind == ProviderKind.Vertex && vertex is null)
            {
                throw new ConfigException(reader.PathOf("vertex_key_config"), "is required for vertex keys (project_id and region)");
            }

            if (azure is not null && traits.Kind != ProviderKind.Azure)
            {
                throw new ConfigException(reader.PathOf("azure_key_config"), $"only applies to azure providers, not {traits.TypeName}");
            }

            if (databricks is not null && traits.Kind != ProviderKind.Databricks)
            {
                throw new ConfigException(reader.PathOf("databricks_key_config"), $"only applies to databricks providers, not {traits.TypeName}");
            }

            if (traits.Kind == ProviderKind.Azure && azure is null)
            {
                throw new ConfigException(reader.PathOf("azure_key_config"), "is required for azure keys (endpoint and deployments)");
            }

            // Vertex authenticates with its service account (or ADC); Bedrock with SigV4 keys (or the environment's).
            var credentialElsewhere = databricks is not null || traits.Kind is ProviderKind.Vertex or ProviderKind.Bedrock;
            if (value is null && !credentialElsewhere && !traits.KeyOptional)
            {
                throw new ConfigException(reader.PathOf("value"),
                    traits.Kind == ProviderKind.Databricks ? "is required (or databricks_key_config for a service principal)" : "is required");
            }

            keys.Add(new ProviderKeyConfig
            {
                Id = id,
                Name = name,
                Value = value,
                Models = models is { Count: > 0 } ? models : ["*"],
                Weight = weight,
                Azure = azure,
                Databricks = databricks,
                Vertex = vertex,
                Bedrock = bedrock,
            });
        }

        return keys;
    }

    private VertexKeyConfig? ReadVertexKey(JsonObjectReader key, List<string> warnings)
    {
        if (key.Object("vertex_key_config") is not { } reader)
        {
            return null;
        }

        var credentials = reader.String("auth_credentials");
        var config = new VertexKeyConfig
        {
            ProjectId = secrets.Resolve(reader.RequiredString("project_id"), reader.PathOf("project_id")),
            Region = secrets.Resolve(reader.RequiredString("region"), reader.PathOf("region")),
            AuthCredentials = string.IsNullOrEmpty(credentials) ? null : secrets.Resolve(credentials, reader.PathOf("auth_credentials")),
            Deployments = ReadDeployments(reader),
        };
        reader.Finish(FrozenSet<string>.Empty, warnings);
        return config;
    }

    private BedrockKeyConfig? ReadBedrockKey(JsonObjectReader key, List<string> warnings)
    {
        if (key.Object("bedrock_key_config") is not { } reader)
        {
            return null;
        }

        string? Optional(string name) => reader.String(name) is { Length: > 0 } raw ? secrets.Resolve(raw, reader.PathOf(name)) : null;
        var config = new BedrockKeyConfig
        {
            AccessKey = Optional("access_key"),
            SecretKey = Optional("secret_key"),
            SessionToken = Optional("session_token"),
            Region = Optional("region") ?? BedrockKeyConfig.DefaultRegion,
            Deployments = ReadDeployments(reader),
        };
        if ((config.AccessKey is null) != (config.SecretKey is null))
        {
            throw new ConfigException(reader.PathOf(config.AccessKey is null ? "access_key" : "secret_key"), "access_key and secret_key go together");
        }

        reader.Finish(BifrostFields.BedrockKey, warnings);
        return config;
    }

    private static Dictionary<string, string> ReadDeployments(JsonObjectReader reader)
    {
        var deployments = new Dictionary<string, string>(StringComparer.Ordinal);
        if (reader.Object("deployments") is { } deploymentReader)
        {
            foreach (var deployment in deploymentReader.Properties())
            {
                deploymentReader.Ignore(deployment.Name);
                deployments[deployment.Name] = deploymentReader.RequiredString(deployment.Name);
            }
        }

        return deployments;
    }

    private static NetworkConfig ReadNetwork(JsonObjectReader? reader, List<string> warnings)
    {
        if (reader is null)
        {
            return new NetworkConfig();
        }

        var defaults = new NetworkConfig();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (reader.Object("extra_headers") is { } headerReader)
        {
            foreach (var header in headerReader.Properties())
            {
                headerReader.Ignore(header.Name);
                headers[header.Name] = headerReader.RequiredString(header.Name);
            }
        }

        var config = new NetworkConfig
        {
            RequestTimeout = Seconds(reader.Number("default_request_timeout_in_seconds", 0.001, 86_400)) ?? defaults.RequestTimeout,
            StreamIdleTimeout = Seconds(reader.Number("stream_idle_timeout_in_seconds", 0.001, 86_400)) ?? defaults.StreamIdleTimeout,
            ConnectTimeout = Seconds(reader.Number("connect_timeout_in_seconds", 0.001, 600)) ?? defaults.ConnectTimeout,
            StreamTotalTimeout = Seconds(reader.Number("stream_total_timeout_in_seconds", 0.001, 86_400)),
            MaxRetries = reader.Int("max_retries", 0, 20) ?? defaults.MaxRetries,
            RetryBackoffInitial = Millis(reader.Number("retry_backoff_initial", 0, 600_000)) ?? defaults.RetryBackoffInitial,
            RetryBackoffMax = Millis(reader.Number("retry_backoff_max", 0, 600_000)) ?? defaults.RetryBackoffMax,
            ExtraHeaders = headers,
        };
        reader.Ignore("base_url");
        reader.Finish(BifrostFields.Network, warnings);
        return config;

        static TimeSpan? Seconds(double? value) => value is null ? null : TimeSpan.FromSeconds(value.Value);
        static TimeSpan? Millis(double? value) => value is null ? null : TimeSpan.FromMilliseconds(value.Value);
    }

    private static FrozenDictionary<string, PriceOverride> ReadPricing(JsonObjectReader? reader, List<string> warnings)
    {
        if (reader is null)
        {
            return FrozenDictionary<string, PriceOverride>.Empty;
        }

        var prices = new Dictionary<string, PriceOverride>(StringComparer.Ordinal);
        foreach (var property in reader.Properties())
        {
            reader.Ignore(property.Name);
            var price = new JsonObjectReader(property.Value, reader.PathOf(property.Name));
            prices[property.Name] = new PriceOverride
            {
                InputPerMTok = price.Number("input_per_mtok", 0, 1_000_000),
                OutputPerMTok = price.Number("output_per_mtok", 0, 1_000_000),
                CachedInputPerMTok = price.Number("cached_input_per_mtok", 0, 1_000_000),
                CacheWritePerMTok = price.Number("cache_write_per_mtok", 0, 1_000_000),
            };
            price.Finish(FrozenSet<string>.Empty, warnings);
        }

        return prices.ToFrozenDictionary(StringComparer.Ordinal);
    }

    internal static void ValidateProviderName(string name, string path)
    {
        if (name.Length == 0 || name.Length > 64 || name.Contains('/') || name.Any(char.IsWhiteSpace))
        {
            throw new ConfigException(path, "a provider name must be 1-64 characters without '/' or spaces");
        }
    }

    private static string ValidateUrl(string url, string path)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ConfigException(path, $"'{url}' is not an absolute http(s) URL");
        }

        return url.TrimEnd('/');
    }
}
