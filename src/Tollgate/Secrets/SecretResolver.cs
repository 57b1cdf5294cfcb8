using System.Collections.Frozen;
using Tollgate.Configuration;

namespace Tollgate.Secrets;

/// <summary>
/// Resolves secret references in config values: <c>env.NAME</c> reads an environment variable, <c>file./path</c> reads a
/// file (trimmed), <c>vault.&lt;store&gt;/&lt;path&gt;#&lt;field&gt;</c> reads a vault (docs/secrets.md), anything else is a
/// literal. A reference that does not resolve is a config error naming its JSON path, so a typo fails at start.
/// <para>
/// One service for every reader of secret fields (providers, governance, alerts, exports): inside a config load the
/// vaults are that file's (<see cref="BeginScope"/>); elsewhere, the vaults of the config in force.
/// </para>
/// </summary>
public sealed class SecretResolver : ISecretResolver
{
    private readonly Func<string, string?> _getEnvironmentVariable;
    private readonly AsyncLocal<SecretScope?> _scope = new();

    public SecretResolver(Func<string, string?> getEnvironmentVariable)
        : this(getEnvironmentVariable, new VaultRegistry(TimeProvider.System))
    {
    }

    public SecretResolver(Func<string, string?> getEnvironmentVariable, VaultRegistry vaults)
    {
        _getEnvironmentVariable = getEnvironmentVariable;
        Vaults = vaults;
    }

    public static SecretResolver FromEnvironment { get; } = new(Environment.GetEnvironmentVariable);

    public VaultRegistry Vaults { get; }

    internal string? GetEnvironment(string name) => _getEnvironmentVariable(name);

    /// <summary>Resolves vault references of this load against the stores its <c>vaults</c> section declares, and records them.</summary>
    public ISecretScope BeginLoad(JsonObjectReader root, List<string> warnings) => BeginScope(VaultConfigReader.Read(root.Object("vaults"), this, warnings));

    public ISecretScope BeginScope(ConfigSections sections) => new SecretScope(sections.Get<VaultSection>()?.Set ?? VaultSet.Empty, _scope);

    internal SecretScope BeginScope(FrozenDictionary<string, VaultStoreConfig> stores) => new(Vaults.Prepare(stores), _scope);

    public string Resolve(string value, string jsonPath)
    {
        if (value.StartsWith("env.", StringComparison.Ordinal))
        {
            var name = value[4..];
            var resolved = _getEnvironmentVariable(name);
            if (string.IsNullOrEmpty(resolved))
            {
                throw new ConfigException(jsonPath, $"environment variable '{name}' is not set");
            }

            return resolved;
        }

        if (value.StartsWith("file.", StringComparison.Ordinal))
        {
            var path = value[5..];
            try
            {
                return File.ReadAllText(path).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException(jsonPath, $"cannot read secret file '{path}': {ex.Message}");
            }
        }

        if (VaultReference.IsReference(value))
        {
            return ResolveVault(value, jsonPath);
        }

        return value;
    }

    private string ResolveVault(string value, string jsonPath)
    {
        if (!VaultReference.TryParse(value, out var reference))
        {
            throw new ConfigException(jsonPath, $"'{value}' is not a vault reference: expected vault.<store>/<path>#<field>");
        }

        var scope = _scope.Value;
        var set = scope?.Set ?? Vaults.Current;
        if (!set.Stores.TryGetValue(reference.Store, out var store))
        {
            throw new ConfigException(jsonPath, $"vault '{reference.Store}' is not defined in $.vaults");
        }

        var fetch = store.GetOrFetch(reference.Path);
        if (fetch.Document is not { } document)
        {
            throw new ConfigException(jsonPath, $"{reference} could not be resolved: {fetch.Error}");
        }

        var secret = document.Select(reference.Field, out var error)
            ?? throw new ConfigException(jsonPath, $"{reference}: {error}");
        scope?.Record(reference);
        return secret;
    }
}
