namespace Tollgate.Configuration;

/// <summary>
/// AWS credentials for Bedrock (Bifrost's <c>bedrock_key_config</c>): static keys with an optional session token, or,
/// when <see cref="AccessKey"/> is empty, the standard environment variables (<c>AWS_ACCESS_KEY_ID</c>,
/// <c>AWS_SECRET_ACCESS_KEY</c>, <c>AWS_SESSION_TOKEN</c>). A key's <c>value</c> alone is a Bedrock API key (Bearer).
/// </summary>
public sealed record BedrockKeyConfig
{
    public string? AccessKey { get; init; }

    public string? SecretKey { get; init; }

    public string? SessionToken { get; init; }

    /// <summary>The AWS region to sign for and, without a <c>base_url</c>, to call.</summary>
    public string Region { get; init; } = DefaultRegion;

    /// <summary>Model name → Bedrock model id or inference profile (e.g. <c>us.anthropic.claude-sonnet-4-5-...</c>).</summary>
    public IReadOnlyDictionary<string, string> Deployments { get; init; } = new Dictionary<string, string>();

    public const string DefaultRegion = "us-east-1";
}
