namespace Tollgate.Operations.Exports;

/// <summary>Where export files go: a local directory (<see cref="Path"/>) or an S3-compatible bucket.</summary>
public sealed record ExportDestinationConfig
{
    public required string Id { get; init; }

    public required ExportDestinationType Type { get; init; }

    public string? Path { get; init; }

    public string? Bucket { get; init; }

    /// <summary>Key prefix inside the bucket (S3) or a subfolder (directory).</summary>
    public string Prefix { get; init; } = "";

    public string Region { get; init; } = "us-east-1";

    /// <summary>S3-compatible services (MinIO, R2, s3rver): their endpoint; null for AWS itself.</summary>
    public string? Endpoint { get; init; }

    public bool ForcePathStyle { get; init; }

    public string? AccessKeyId { get; init; }

    public string? SecretAccessKey { get; init; }
}
