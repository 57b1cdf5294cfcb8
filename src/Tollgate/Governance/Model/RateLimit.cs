namespace Tollgate.Governance.Model;

/// <summary>Request and token limits per window (Bifrost's field names), shared by every entity that names it.</summary>
public sealed record RateLimit
{
    public required string Id { get; init; }

    public long? RequestMaxLimit { get; init; }

    public string? RequestResetDuration { get; init; }

    public long? TokenMaxLimit { get; init; }

    public string? TokenResetDuration { get; init; }

    public bool FromConfigFile { get; init; }
}
