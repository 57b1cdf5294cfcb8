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
}
