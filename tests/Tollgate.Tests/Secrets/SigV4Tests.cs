using Tollgate.Secrets.Aws;

namespace Tollgate.Tests.Secrets;

/// <summary>The signer against the worked example of AWS's SigV4 documentation, so it does not only agree with our own emulator.</summary>
public sealed class SigV4Tests
{
    [Fact]
    public void Signature_OfTheDocumentedIamListUsersExample_MatchesAws()
    {
        // docs.aws.amazon.com, "Signature Version 4 signing process" (examples of the four tasks): GET ListUsers on IAM.
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/x-www-form-urlencoded; charset=utf-8",
            ["host"] = "iam.amazonaws.com",
            ["x-amz-date"] = "20150830T123600Z",
        };
        var signature = SigV4.Signature("GET", new Uri("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"), headers, [],
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "iam", new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero),
            out var signedHeaders, out var scope);

        Assert.Equal("content-type;host;x-amz-date", signedHeaders);
        Assert.Equal("20150830/us-east-1/iam/aws4_request", scope);
        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", signature);
    }

    [Fact]
    public void Sign_AddsTheSessionTokenAndSignsIt()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://secretsmanager.eu-west-1.amazonaws.com/");
        SigV4.Sign(request, "{}"u8, new AwsCredentials("ASIAEXAMPLE", "secret", "session-token"), "eu-west-1", "secretsmanager",
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        Assert.Equal("session-token", request.Headers.GetValues("x-amz-security-token").Single());
        var authorization = request.Headers.GetValues("Authorization").Single();
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260102/eu-west-1/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=", authorization, StringComparison.Ordinal);
    }
}
