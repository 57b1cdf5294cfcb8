namespace Tollgate.Configuration;

public sealed record ClientConfig
{
    public const int DefaultMaxRequestBodySizeMb = 32;

    public bool EnforceAuthOnInference { get; init; }

    public int MaxRequestBodySizeMb { get; init; } = DefaultMaxRequestBodySizeMb;

    public long MaxRequestBodyBytes => MaxRequestBodySizeMb * 1024L * 1024L;

    /// <summary>How long Responses API conversations are kept for <c>previous_response_id</c> (OpenAI keeps 30 days).</summary>
    public int ResponseRetentionDays { get; init; } = 30;

    public const int DefaultMetricsMaxLabelValues = 100;

    /// <summary>Distinct values a metrics label may take before further ones are reported as <c>other</c> (bounds series count).</summary>
    public int MetricsMaxLabelValues { get; init; } = DefaultMetricsMaxLabelValues;

    /// <summary>Whether metrics carry the virtual key; off, the label is empty (many keys would multiply every series).</summary>
    public bool MetricsVirtualKeyLabel { get; init; } = true;
    public const int DefaultShutdownGraceSeconds = 30;

    /// <summary>On SIGTERM, how long open streams may run on before the process stops (<c>shutdown_grace_seconds</c>).</summary>
    public int ShutdownGraceSeconds { get; init; } = DefaultShutdownGraceSeconds;

    public const int DefaultLogRetentionDays = 30;

    public const int DefaultAuditRetentionDays = 365;

    public const int DefaultLogQueueCapacity = 10_000;

    /// <summary>Whether requests are written to the request log at all (Bifrost's <c>enable_logging</c>).</summary>
    public bool EnableLogging { get; init; } = true;

    /// <summary>Days request log entries are kept; 0 keeps them forever (Bifrost's <c>log_retention_days</c>).</summary>
    public int LogRetentionDays { get; init; } = DefaultLogRetentionDays;

    /// <summary>Days the audit log keeps entries (<c>client.audit_retention_days</c>); 0 keeps them forever.</summary>
    public int AuditRetentionDays { get; init; } = DefaultAuditRetentionDays;

    /// <summary>When true no request or response content is ever logged, whatever <see cref="LogContent"/> or a virtual key says.</summary>
    public bool DisableContentLogging { get; init; }

    /// <summary>The default content policy; a virtual key may override it (unless <see cref="DisableContentLogging"/>).</summary>
    public LogContentMode LogContent { get; init; } = LogContentMode.Off;

    /// <summary>Entries the log writer may hold before it drops new ones; read once at start.</summary>
    public int LogQueueCapacity { get; init; } = DefaultLogQueueCapacity;

    /// <summary>Kestrel's limits on client connections; read at start only.</summary>
    public ConnectionLimits Connections { get; init; } = new();
}
