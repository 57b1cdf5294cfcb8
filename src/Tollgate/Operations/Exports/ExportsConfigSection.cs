using Tollgate.Configuration;

namespace Tollgate.Operations.Exports;

/// <summary>Reads the <c>exports</c> section: scheduled request log exports.</summary>
internal sealed class ExportsConfigSection : IConfigSectionReader
{
    public void Read(JsonObjectReader root, ConfigLoadContext context)
    {
        if (root.Object("exports") is { } section)
        {
            context.Set(ExportsConfigReader.Read(section, context.Secrets));
        }
    }
}

public static class ExportsConfigAccess
{
    extension(GatewayConfig config)
    {
        /// <summary>Scheduled request log exports (<c>exports</c>).</summary>
        public ExportsConfig Exports => config.Sections.Get<ExportsConfig>() ?? ExportsConfig.Empty;
    }
}
