namespace Tollgate.Configuration;

/// <summary>Reads and validates the <c>cache</c> section; errors name the JSON path like the rest of the loader.</summary>
internal static class CacheConfigReader
{
    private const int MaxTtlSeconds = 30 * 24 * 3600;

    public static CacheConfig Read(JsonObjectReader? reader, List<string> warnings)
    {
        if (reader is null)
        {
            return CacheConfig.Off;
        }

        var exact = ReadExact(reader.Object("exact"), warnings, CacheConfig.Off.Exact)!;

        var semantic = CacheConfig.Off.Semantic;
        if (reader.Object("semantic") is { } semanticReader)
        {
            semantic = new SemanticCacheConfig
            {
                Enabled = semanticReader.Bool("enabled") ?? true,
                EmbeddingModel = semanticReader.String("embedding_model"),
                Threshold = semanticReader.Number("threshold", 0.5, 1.0) ?? semantic.Threshold,
                TtlSeconds = semanticReader.Int("ttl_seconds", 1, MaxTtlSeconds) ?? semantic.TtlSeconds,
                Scope = Scope(semanticReader) ?? semantic.Scope,
                MaxEntries = semanticReader.Int("max_entries", 1, 10_000_000) ?? semantic.MaxEntries,
            };
            if (semantic.Enabled && string.IsNullOrWhiteSpace(semantic.EmbeddingModel))
            {
                throw new ConfigException(semanticReader.PathOf("embedding_model"), "is required when the semantic cache is enabled");
            }

            semanticReader.Finish(System.Collections.Frozen.FrozenSet<string>.Empty, warnings);
        }

        var backend = reader.String("backend") switch
        {
            null or "auto" => CacheBackend.Auto,
            "memory" => CacheBackend.Memory,
            "redis" => CacheBackend.Redis,
            var other => throw new ConfigException(reader.PathOf("backend"), $"expected \"auto\", \"memory\" or \"redis\", found \"{other}\""),
        };
        var config = new CacheConfig
        {
            Exact = exact,
            Semantic = semantic,
            MaxMemoryBytes = (reader.Int("max_memory_mb", 1, 1 << 20) ?? 256) * 1024L * 1024,
            MaxEntryBytes = (reader.Int("max_entry_kb", 1, 64 * 1024) ?? 1024) * 1024,
            Backend = backend,
            ChargeHits = reader.Bool("charge_hits") ?? false,
        };
        reader.Finish(System.Collections.Frozen.FrozenSet<string>.Empty, warnings);
        return config;
    }

    /// <summary>An exact-cache object (<c>cache.exact</c>, or a virtual key's <c>cache</c>); <paramref name="absent"/> when missing.</summary>
    public static ExactCacheConfig? ReadExact(JsonObjectReader? reader, List<string> warnings, ExactCacheConfig? absent)
    {
        if (reader is null)
        {
            return absent;
        }

        var defaults = CacheConfig.Off.Exact;
        var exact = new ExactCacheConfig
        {
            Enabled = reader.Bool("enabled") ?? true,
            TtlSeconds = reader.Int("ttl_seconds", 1, MaxTtlSeconds) ?? defaults.TtlSeconds,
            Scope = Scope(reader) ?? defaults.Scope,
        };
        reader.Finish(System.Collections.Frozen.FrozenSet<string>.Empty, warnings);
        return exact;
    }

    private static CacheScope? Scope(JsonObjectReader reader) => reader.String("scope") switch
    {
        null => null,
        "virtual_key" => CacheScope.VirtualKey,
        "team" => CacheScope.Team,
        "global" => CacheScope.Global,
        var other => throw new ConfigException(reader.PathOf("scope"), $"expected \"virtual_key\", \"team\" or \"global\", found \"{other}\""),
    };
}
