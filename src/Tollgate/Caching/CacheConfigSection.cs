using Tollgate.Configuration;

namespace Tollgate.Caching;

/// <summary>Reads the <c>cache</c> section: exact and semantic response caching, off by default.</summary>
internal sealed class CacheConfigSection : IConfigSectionReader
{
    public void Read(JsonObjectReader root, ConfigLoadContext context) =>
        context.Set(CacheConfigReader.Read(root.Object("cache"), context.Warnings));
}

public static class CacheConfigAccess
{
    extension(GatewayConfig config)
    {
        /// <summary>Response caching (<c>cache</c>): exact and semantic, off by default.</summary>
        public CacheConfig Cache => config.Sections.Get<CacheConfig>() ?? CacheConfig.Off;
    }
}
