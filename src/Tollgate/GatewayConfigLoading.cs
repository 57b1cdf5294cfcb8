using Tollgate.Caching;
using Tollgate.Cluster;
using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Guardrails;
using Tollgate.Operations.Alerts;
using Tollgate.Operations.Exports;

namespace Tollgate;

/// <summary>
/// Composes the config file's readers: <see cref="ConfigLoader"/> reads the core and names no feature, so the feature
/// sections are listed here, at the root, where the app is composed. Tests build their loaders here too, so a test
/// reads a file exactly as the gateway does.
/// </summary>
internal static class GatewayConfigLoading
{
    public static ConfigLoader Loader(ISecretResolver secrets, TimeProvider? time = null, GuardrailsReader? guardrails = null)
    {
        guardrails ??= GuardrailsReader.BuiltInOnly;
        return new ConfigLoader(secrets, Sections(new GovernanceReader(secrets, time ?? TimeProvider.System, guardrails), guardrails));
    }

    public static IConfigSectionReader[] Sections(GovernanceReader governance, GuardrailsReader guardrails) =>
    [
        new GovernanceConfigSection(governance),
        new ClusterConfigSection(),
        new AlertsConfigSection(),
        new ExportsConfigSection(),
        new GuardrailsConfigSection(guardrails),
        new CacheConfigSection(),
    ];
}
