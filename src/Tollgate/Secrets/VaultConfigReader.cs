using System.Collections.Frozen;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Secrets.Aws;
using Tollgate.Secrets.Azure;
using Tollgate.Secrets.Gcp;
using Tollgate.Secrets.HashiCorp;

namespace Tollgate.Secrets;

/// <summary>
/// Reads the config's <c>vaults</c> section (docs/secrets.md). A store's own credentials may be literals, <c>env.</c> or
/// <c>file.</c> references, never vault references: a store that needs another to start is a start-up order puzzle.
/// Where a field is absent the store's standard environment variables apply, read here so that a changed variable is a
/// changed config and a reload builds a new client.
/// </summary>
internal static class VaultConfigReader
{
    public static FrozenDictionary<string, VaultStoreConfig> Read(JsonObjectReader? section, SecretResolver secrets, List<string> warnings)
    {
        if (section is null)
        {
            return FrozenDictionary<string, VaultStoreConfig>.Empty;
        }

        var stores = new Dictionary<string, VaultStoreConfig>(StringComparer.Ordinal);
        foreach (var property in section.Properties())
        {
            section.Ignore(property.Name);
            var path = section.PathOf(property.Name);
            if (property.Name.Length is 0 or > 64 || !property.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new ConfigException(path, "a vault name is 1-64 letters, digits, '-' or '_'");
            }

            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException(path, $"expected an object, got {JsonObjectReader.Describe(property.Value.ValueKind)}");
            }

            var reader = new JsonObjectReader(property.Value, path);
            var type = reader.RequiredString("type");
            var common = (Name: property.Name,
                Refresh: reader.Int("refresh_seconds", 1, 86_400) ?? VaultStoreConfig.DefaultRefreshSeconds,
                Timeout: reader.Int("timeout_seconds", 1, 300) ?? VaultStoreConfig.DefaultTimeoutSeconds);
            var local = new LocalSecrets(secrets);
            VaultStoreConfig store = type switch
            {
                HashiCorpVaultConfig.TypeName => ReadHashiCorp(reader, local, warnings) with { Name = common.Name, RefreshSeconds = common.Refresh, TimeoutSeconds = common.Timeout },
                AwsSecretsManagerConfig.TypeName => ReadAws(reader, local) with { Name = common.Name, RefreshSeconds = common.Refresh, TimeoutSeconds = common.Timeout },
                GcpSecretManagerConfig.TypeName => ReadGcp(reader, local) with { Name = common.Name, RefreshSeconds = common.Refresh, TimeoutSeconds = common.Timeout },
                AzureKeyVaultConfig.TypeName => ReadAzure(reader, local, warnings) with { Name = common.Name, RefreshSeconds = common.Refresh, TimeoutSeconds = common.Timeout },
                _ => throw new ConfigException(reader.PathOf("type"),
                    $"unknown vault type '{type}' (known: {HashiCorpVaultConfig.TypeName}, {AwsSecretsManagerConfig.TypeName}, {GcpSecretManagerConfig.TypeName}, {AzureKeyVaultConfig.TypeName})"),
            };
            reader.Finish(FrozenSet<string>.Empty, warnings);
            stores[property.Name] = store;
        }

        return stores.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static HashiCorpVaultConfig ReadHashiCorp(JsonObjectReader reader, LocalSecrets secrets, List<string> warnings)
    {
        var address = Url(secrets.Optional(reader, "address") ?? secrets.Env("VAULT_ADDR")
            ?? throw new ConfigException(reader.PathOf("address"), "is required (or VAULT_ADDR)"), reader.PathOf("address"));
        var token = secrets.Optional(reader, "token");
        string? roleId = null, secretId = null, appRoleMount = null, k8sRole = null, k8sPath = null, k8sMount = null;
        if (reader.Object("approle") is { } approle)
        {
            roleId = secrets.Required(approle, "role_id");
            secretId = secrets.Required(approle, "secret_id");
            appRoleMount = approle.String("mount");
            approle.Finish(FrozenSet<string>.Empty, warnings);
        }

        if (reader.Object("kubernetes") is { } kubernetes)
        {
            k8sRole = kubernetes.RequiredString("role");
            k8sPath = kubernetes.String("token_path");
            k8sMount = kubernetes.String("mount");
            kubernetes.Finish(FrozenSet<string>.Empty, warnings);
        }

        var methods = (token is null ? 0 : 1) + (roleId is null ? 0 : 1) + (k8sRole is null ? 0 : 1);
        if (methods == 0)
        {
            token = secrets.Env("VAULT_TOKEN")
                ?? throw new ConfigException(reader.Path, "needs one of token, approle or kubernetes (or VAULT_TOKEN)");
        }
        else if (methods > 1)
        {
            throw new ConfigException(reader.Path, "give only one of token, approle or kubernetes");
        }

        return new HashiCorpVaultConfig
        {
            Name = string.Empty,
            Address = address,
            Namespace = reader.String("namespace") ?? secrets.Env("VAULT_NAMESPACE"),
            Mount = (reader.String("mount") ?? "secret").Trim('/'),
            Token = token,
            AppRoleId = roleId,
            AppRoleSecretId = secretId,
            AppRoleMount = (appRoleMount ?? "approle").Trim('/'),
            KubernetesRole = k8sRole,
            KubernetesTokenPath = k8sPath ?? HashiCorpVaultConfig.DefaultKubernetesTokenPath,
            KubernetesMount = (k8sMount ?? "kubernetes").Trim('/'),
        };
    }

    private static AwsSecretsManagerConfig ReadAws(JsonObjectReader reader, LocalSecrets secrets)
    {
        var region = reader.String("region") ?? secrets.Env("AWS_REGION") ?? secrets.Env("AWS_DEFAULT_REGION")
            ?? throw new ConfigException(reader.PathOf("region"), "is required (or AWS_REGION)");
        var endpoint = Url(reader.String("endpoint") ?? $"https://secretsmanager.{region}.amazonaws.com", reader.PathOf("endpoint"));
        var sts = Url(reader.String("sts_endpoint") ?? $"https://sts.{region}.amazonaws.com", reader.PathOf("sts_endpoint"));
        var accessKey = secrets.Optional(reader, "access_key_id");
        var secretKey = secrets.Optional(reader, "secret_access_key");
        var sessionToken = secrets.Optional(reader, "session_token");
        var roleArn = reader.String("role_arn");
        var tokenFile = reader.String("web_identity_token_file");
        var sessionName = reader.String("role_session_name");
        if ((accessKey is null) != (secretKey is null))
        {
            throw new ConfigException(reader.PathOf(accessKey is null ? "access_key_id" : "secret_access_key"),
                "access_key_id and secret_access_key go together");
        }

        if (accessKey is not null && roleArn is not null)
        {
            throw new ConfigException(reader.PathOf("role_arn"), "give static keys or a web identity, not both");
        }

        if (accessKey is null && roleArn is null)
        {
            // The SDKs' default chain, in its order: static keys from the environment, then a web identity (EKS IRSA).
            accessKey = secrets.Env("AWS_ACCESS_KEY_ID");
            secretKey = secrets.Env("AWS_SECRET_ACCESS_KEY");
            sessionToken = secrets.Env("AWS_SESSION_TOKEN");
            if (accessKey is null || secretKey is null)
            {
                accessKey = secretKey = sessionToken = null;
                roleArn = secrets.Env("AWS_ROLE_ARN");
                tokenFile = secrets.Env("AWS_WEB_IDENTITY_TOKEN_FILE");
                sessionName ??= secrets.Env("AWS_ROLE_SESSION_NAME");
            }

            if (accessKey is null && roleArn is null)
            {
                throw new ConfigException(reader.Path,
                    "needs access_key_id and secret_access_key, role_arn and web_identity_token_file, or the AWS_* environment variables");
            }
        }

        if (roleArn is not null && tokenFile is null)
        {
            throw new ConfigException(reader.PathOf("web_identity_token_file"), "is required with role_arn (or AWS_WEB_IDENTITY_TOKEN_FILE)");
        }

        return new AwsSecretsManagerConfig
        {
            Name = string.Empty,
            Region = region,
            Endpoint = endpoint,
            StsEndpoint = sts,
            AccessKeyId = accessKey,
            SecretAccessKey = secretKey,
            SessionToken = sessionToken,
            RoleArn = roleArn,
            WebIdentityTokenFile = tokenFile,
            RoleSessionName = sessionName ?? "tollgate",
        };
    }

    private static GcpSecretManagerConfig ReadGcp(JsonObjectReader reader, LocalSecrets secrets)
    {
        // "credentials" is the key's JSON (usually file./path/key.json); GOOGLE_APPLICATION_CREDENTIALS names a key file.
        var credentialsPath = reader.PathOf("credentials");
        var json = secrets.Optional(reader, "credentials");
        if (json is null && secrets.Env("GOOGLE_APPLICATION_CREDENTIALS") is { } keyFile)
        {
            json = secrets.Resolve("file." + keyFile, credentialsPath);
        }

        if (json is null)
        {
            throw new ConfigException(credentialsPath, "is required: a service-account key (e.g. \"file./etc/tollgate/gcp-key.json\"), or GOOGLE_APPLICATION_CREDENTIALS");
        }

        string email, key, tokenUri;
        string? keyId, projectId;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var keyType) || keyType.GetString() != "service_account")
            {
                throw new ConfigException(credentialsPath, "is not a service-account key (its \"type\" must be \"service_account\")");
            }

            email = Text(root, "client_email") ?? throw new ConfigException(credentialsPath, "the key has no client_email");
            key = Text(root, "private_key") ?? throw new ConfigException(credentialsPath, "the key has no private_key");
            keyId = Text(root, "private_key_id");
            projectId = Text(root, "project_id");
            tokenUri = Text(root, "token_uri") ?? "https://oauth2.googleapis.com/token";
        }
        catch (JsonException)
        {
            // Not the parser's message: it quotes the text around the error, which is the private key.
            throw new ConfigException(credentialsPath, "is not valid JSON");
        }

        return new GcpSecretManagerConfig
        {
            Name = string.Empty,
            Project = reader.String("project") ?? projectId ?? throw new ConfigException(reader.PathOf("project"), "is required (the key names no project_id)"),
            Endpoint = Url(reader.String("endpoint") ?? GcpSecretManagerConfig.DefaultEndpoint, reader.PathOf("endpoint")),
            ClientEmail = email,
            PrivateKeyPem = key,
            PrivateKeyId = keyId,
            TokenUri = Url(tokenUri, credentialsPath + ".token_uri"),
        };

        static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private static AzureKeyVaultConfig ReadAzure(JsonObjectReader reader, LocalSecrets secrets, List<string> warnings)
    {
        var vaultUrl = Url(reader.RequiredString("vault_url"), reader.PathOf("vault_url"));
        var authority = Url(reader.String("authority_host") ?? secrets.Env("AZURE_AUTHORITY_HOST") ?? AzureKeyVaultConfig.DefaultAuthorityHost, reader.PathOf("authority_host"));
        var clientSecret = secrets.Optional(reader, "client_secret");
        var tenant = reader.String("tenant_id");
        var clientId = reader.String("client_id");
        if (reader.Object("managed_identity") is { } identity)
        {
            if (clientSecret is not null)
            {
                throw new ConfigException(reader.PathOf("managed_identity"), "give client credentials or a managed identity, not both");
            }

            // App Service and Container Apps publish their token endpoint in IDENTITY_ENDPOINT; VMs and AKS use IMDS.
            var endpoint = identity.String("endpoint") ?? secrets.Env("IDENTITY_ENDPOINT");
            var header = endpoint is null ? null : secrets.Env("IDENTITY_HEADER");
            var config = new AzureKeyVaultConfig
            {
                Name = string.Empty,
                VaultUrl = vaultUrl,
                AuthorityHost = authority,
                ManagedIdentity = true,
                ManagedIdentityClientId = identity.String("client_id"),
                ManagedIdentityEndpoint = Url(endpoint ?? AzureKeyVaultConfig.DefaultImdsEndpoint, identity.PathOf("endpoint")),
                IdentityHeader = header,
            };
            identity.Finish(FrozenSet<string>.Empty, warnings);
            return config;
        }

        // Azure.Identity's EnvironmentCredential names, so a deployment set up for the SDKs works unchanged.
        tenant ??= secrets.Env("AZURE_TENANT_ID");
        clientId ??= secrets.Env("AZURE_CLIENT_ID");
        clientSecret ??= secrets.Env("AZURE_CLIENT_SECRET");
        if (tenant is null || clientId is null || clientSecret is null)
        {
            throw new ConfigException(reader.Path,
                "needs tenant_id, client_id and client_secret (or AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET), or managed_identity");
        }

        return new AzureKeyVaultConfig
        {
            Name = string.Empty,
            VaultUrl = vaultUrl,
            AuthorityHost = authority,
            TenantId = tenant,
            ClientId = clientId,
            ClientSecret = clientSecret,
        };
    }

    private static string Url(string url, string path)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ConfigException(path, $"'{url}' is not an absolute http(s) URL");
        }

        return url.TrimEnd('/');
    }

    /// <summary>Secret fields of a store's own settings: env./file./literal, refusing vault references.</summary>
    private readonly struct LocalSecrets(SecretResolver secrets)
    {
        public string? Env(string name) => secrets.GetEnvironment(name) is { Length: > 0 } value ? value : null;

        public string Resolve(string value, string path) => secrets.Resolve(value, path);

        public string? Optional(JsonObjectReader reader, string name)
        {
            var value = reader.String(name);
            if (string.IsNullOrEmpty(value))
            {
                return null;
            }

            if (VaultReference.IsReference(value))
            {
                throw new ConfigException(reader.PathOf(name), "a vault's own credentials cannot come from a vault; use env. or file.");
            }

            return secrets.Resolve(value, reader.PathOf(name));
        }

        public string Required(JsonObjectReader reader, string name) =>
            Optional(reader, name) ?? throw new ConfigException(reader.PathOf(name), "is required");
    }
}
