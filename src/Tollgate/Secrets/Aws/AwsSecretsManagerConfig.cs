namespace Tollgate.Secrets.Aws;

/// <summary>
/// AWS Secrets Manager. Credentials are static keys (with an optional session token), a web identity (an OIDC token
/// file exchanged at STS, as on EKS), or, when neither is given, the standard environment variables read at load.
/// </summary>
public sealed record AwsSecretsManagerConfig : VaultStoreConfig
{
    public const string TypeName = "aws_secrets_manager";

    public override string Type => TypeName;

    public required string Region { get; init; }

    /// <summary>Defaults to <c>https://secretsmanager.{region}.amazonaws.com</c>.</summary>
    public required string Endpoint { get; init; }

    public string? AccessKeyId { get; init; }

    public string? SecretAccessKey { get; init; }

    public string? SessionToken { get; init; }

    public string? RoleArn { get; init; }

    public string? WebIdentityTokenFile { get; init; }

    public string RoleSessionName { get; init; } = "tollgate";

    /// <summary>Defaults to <c>https://sts.{region}.amazonaws.com</c>.</summary>
    public required string StsEndpoint { get; init; }

    public bool UsesWebIdentity => RoleArn is not null;
}
