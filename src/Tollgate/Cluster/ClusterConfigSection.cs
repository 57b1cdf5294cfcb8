using Tollgate.Configuration;

namespace Tollgate.Cluster;

/// <summary>Reads the <c>cluster</c> section: how instances share counters and state.</summary>
internal sealed class ClusterConfigSection : IConfigSectionReader
{
    public void Read(JsonObjectReader root, ConfigLoadContext context) =>
        context.Set(ClusterConfigReader.Read(root.Object("cluster"), context.Warnings));
}

public static class ClusterConfigAccess
{
    extension(GatewayConfig config)
    {
        /// <summary>How instances share counters and state in cluster mode (<c>cluster</c>).</summary>
        public ClusterConfig Cluster => config.Sections.Get<ClusterConfig>() ?? ClusterConfig.Default;
    }
}
