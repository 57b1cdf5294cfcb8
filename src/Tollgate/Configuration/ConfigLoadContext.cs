namespace Tollgate.Configuration;

/// <summary>What a section reader gets during one load: the secret resolver, the warnings list and the sections so far.</summary>
public sealed class ConfigLoadContext(ISecretResolver secrets, List<string> warnings)
{
    public ISecretResolver Secrets => secrets;

    /// <summary>Non-fatal findings by JSON path (Bifrost fields not implemented yet); logged at start-up.</summary>
    public List<string> Warnings => warnings;

    public ConfigSections Sections { get; private set; } = ConfigSections.Empty;

    public void Set<T>(T section) where T : class => Sections = Sections.With(section);
}
