namespace Tollgate.Configuration;

/// <summary>
/// Reads one feature's root section of the config file (DESIGN.md, "Config file") into its own type and stores it in
/// the snapshot's <see cref="ConfigSections"/>. The readers are composed at the root (<c>GatewayConfigLoading</c>), so
/// <see cref="ConfigLoader"/> knows the file's core (client, providers, pricing, routing) and nothing of the features.
/// </summary>
public interface IConfigSectionReader
{
    /// <summary>Reads the section from <paramref name="root"/> (marking it read) or stores the feature's default.</summary>
    void Read(JsonObjectReader root, ConfigLoadContext context);
}
