using Tollgate.Configuration;

namespace Tollgate.Operations.Alerts;

/// <summary>Reads the <c>alerts</c> section: channels and rules.</summary>
internal sealed class AlertsConfigSection : IConfigSectionReader
{
    public void Read(JsonObjectReader root, ConfigLoadContext context)
    {
        if (root.Object("alerts") is { } section)
        {
            context.Set(AlertsConfigReader.Read(section, context.Secrets));
        }
    }
}

public static class AlertsConfigAccess
{
    extension(GatewayConfig config)
    {
        /// <summary>Alert channels and rules (<c>alerts</c>).</summary>
        public AlertsConfig Alerts => config.Sections.Get<AlertsConfig>() ?? AlertsConfig.Empty;
    }
}
