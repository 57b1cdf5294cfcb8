namespace Tollgate.Configuration;

public sealed record ClientConfig
{
    public const int DefaultMaxRequestBodySizeMb = 32;

    public bool EnforceAuthOnInference { get; init; }

    public int MaxRequestBodySizeMb { get; init; } = DefaultMaxRequestBodySizeMb;

    public long MaxRequestBodyBytes => MaxRequestBodySizeMb * 1024L * 1024L;

    /// <summary>How long Responses API conversations are kept for <c>previous_response_id</c> (OpenAI keeps 30 days).</summary>
    public int ResponseRetentionDays { get; init; } = 30;
}
