using Tollgate.Configuration;

namespace Tollgate.Providers.Bedrock;

/// <summary>An AWS key pair (and session token) to sign with: the key's bedrock_key_config, else the standard environment variables.</summary>
internal sealed record AwsCredentials(string AccessKey, string SecretKey, string? SessionToken)
{
    public static AwsCredentials? For(BedrockKeyConfig? config)
    {
        if (config?.AccessKey is { } accessKey && config.SecretKey is { } secretKey)
        {
            return new AwsCredentials(accessKey, secretKey, config.SessionToken);
        }

        var envKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var envSecret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        return string.IsNullOrEmpty(envKey) || string.IsNullOrEmpty(envSecret)
            ? null
            : new AwsCredentials(envKey, envSecret, Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN"));
    }
}
