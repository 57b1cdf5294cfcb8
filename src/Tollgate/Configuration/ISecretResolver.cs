namespace Tollgate.Configuration;

/// <summary>
/// Resolves secret references in config values (<c>env.NAME</c>, <c>file./path</c>, <c>vault.store/path#field</c>; see
/// docs/secrets.md). Every reader of a secret field takes this seam; Secrets implements it, because vault references
/// resolve against the vaults the same file declares.
/// </summary>
public interface ISecretResolver
{
    /// <summary>The secret <paramref name="value"/> refers to, or the value itself when it is a literal.</summary>
    /// <exception cref="ConfigException">The reference does not resolve; the message names <paramref name="jsonPath"/>.</exception>
    string Resolve(string value, string jsonPath);

    /// <summary>Reads the file's <c>vaults</c> section and opens the scope its other sections resolve secrets in.</summary>
    ISecretScope BeginLoad(JsonObjectReader root, List<string> warnings);

    /// <summary>Opens a scope over an existing snapshot's vaults (stored providers resolve against the file's vaults).</summary>
    ISecretScope BeginScope(ConfigSections sections);
}

/// <summary>One load's secret scope; disposing it restores the resolver's previous scope.</summary>
public interface ISecretScope : IDisposable
{
    /// <summary>The sections with this scope's vaults and the references resolved in it recorded (the refresher reads them again).</summary>
    ConfigSections Complete(ConfigSections sections);
}
