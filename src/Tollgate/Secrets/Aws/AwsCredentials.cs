namespace Tollgate.Secrets.Aws;

/// <summary>Credentials a SigV4 signature is made with; the session token comes with temporary ones.</summary>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    public override string ToString() => $"AWS credentials {AccessKeyId}";
}
