namespace Tollgate.Tests.Guardrails;

/// <summary>
/// Strings shaped like real credentials, for the secret detectors. They are assembled at run time from pieces, so the
/// repository never holds a literal that a secret scanner (or a reader) takes for a leaked key.
/// </summary>
internal static class FakeSecrets
{
    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static string AwsAccessKey { get; } = "AK" + "IA" + new string('Q', 16);

    public static string Anthropic { get; } = "sk-" + "ant-api03-" + Filler(32);

    public static string OpenAIProject { get; } = "sk-" + "proj-" + Filler(28);

    public static string Databricks { get; } = "da" + "pi" + string.Concat(Enumerable.Repeat("0123456789abcdef", 2));

    public static string GitHub { get; } = "gh" + "p_" + Filler(36);

    public static string Slack { get; } = "xo" + "xb-" + "1234567890-" + Filler(10);

    public static string Jwt { get; } = "ey" + "JhbGciOiJub25lIn0" + ".ey" + "JzdWIiOiJ0ZXN0In0." + Filler(24);

    public static TheoryData<string, string> All => new()
    {
        { "key ", AwsAccessKey },
        { "", Anthropic },
        { "token ", OpenAIProject },
        { "pat ", Databricks },
        { "gh ", GitHub },
        { "slack ", Slack },
        { "jwt ", Jwt },
    };

    private static string Filler(int length) => string.Concat(Enumerable.Repeat(Alphanumeric, (length / Alphanumeric.Length) + 1))[..length];
}
