namespace Tollgate.Configuration;

/// <summary>Per-provider timeouts and retries, in Bifrost's vocabulary (<c>network_config</c>).</summary>
public sealed record NetworkConfig
{
    /// <summary>Non-stream calls: the whole call. Streams: until the response headers arrive.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Streams: the longest silence allowed between two upstream events.</summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Streams: the longest a whole stream may last; null for no limit (long generations are legitimate).</summary>
    public TimeSpan? StreamTotalTimeout { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxRetries { get; init; }

    public TimeSpan RetryBackoffInitial { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan RetryBackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    public IReadOnlyDictionary<string, string> ExtraHeaders { get; init; } = new Dictionary<string, string>();
}
