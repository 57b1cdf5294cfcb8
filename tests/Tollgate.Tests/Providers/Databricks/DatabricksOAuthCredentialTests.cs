using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Providers;
using Tollgate.Providers.Databricks;

namespace Tollgate.Tests.Providers.Databricks;

public sealed class DatabricksOAuthCredentialTests
{
    /// <summary>A token endpoint that counts calls and answers slowly enough for callers to pile up.</summary>
    private sealed class TokenEndpoint(int expiresIn, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string? LastAuthorization { get; private set; }

        public string? LastBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _calls);
            LastAuthorization = request.Headers.Authorization?.ToString();
            LastBody = await request.Content!.ReadAsStringAsync(cancellationToken);
            await Task.Delay(50, cancellationToken);
            return new HttpResponseMessage(status)
            {
                Content = new StringContent(status == HttpStatusCode.OK
                    ? $$"""{"access_token":"token-{{n}}","token_type":"Bearer","expires_in":{{expiresIn}},"scope":"all-apis"}"""
                    : """{"error":"invalid_client","error_description":"Client authentication failed"}""", Encoding.UTF8, "application/json"),
            };
        }
    }

    private static DatabricksOAuthCredential Create(TokenEndpoint endpoint, TimeProvider time) =>
        new("https://adb-1.azuredatabricks.net", "sp-id", "sp-secret", new HttpMessageInvoker(endpoint), time, NullLogger.Instance);

    [Fact]
    public async Task GetAsync_200ConcurrentCallers_FetchOneToken()
    {
        var endpoint = new TokenEndpoint(3600);
        var credential = Create(endpoint, TimeProvider.System);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => credential.GetAsync(CancellationToken.None).AsTask())));

        Assert.Equal(1, endpoint.Calls);
        Assert.All(tokens, t => Assert.Equal("token-1", t));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("sp-id:sp-secret")), endpoint.LastAuthorization);
        Assert.Equal("grant_type=client_credentials&scope=all-apis", endpoint.LastBody);
    }

    [Fact]
    public async Task GetAsync_NearExpiry_RefreshesOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var endpoint = new TokenEndpoint(3600);
        var credential = Create(endpoint, time);

        Assert.Equal("token-1", await credential.GetAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(57));
        Assert.Equal("token-1", await credential.GetAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromMinutes(2));  // inside the 2-minute margin before expiry
        Assert.Equal("token-2", await credential.GetAsync(CancellationToken.None));
        Assert.Equal(2, endpoint.Calls);
    }

    [Fact]
    public async Task Invalidate_RejectedToken_NextCallFetchesNew_ButStaleInvalidateIsIgnored()
    {
        var endpoint = new TokenEndpoint(3600);
        var credential = Create(endpoint, TimeProvider.System);
        var first = await credential.GetAsync(CancellationToken.None);

        credential.Invalidate(first!);
        var second = await credential.GetAsync(CancellationToken.None);
        credential.Invalidate(first!);  // a late 401 for the old token must not throw away the new one
        var third = await credential.GetAsync(CancellationToken.None);

        Assert.Equal("token-2", second);
        Assert.Equal("token-2", third);
        Assert.Equal(2, endpoint.Calls);
    }

    [Fact]
    public async Task GetAsync_BadClientSecret_ThrowsCredentialExceptionWithoutSecret()
    {
        var credential = Create(new TokenEndpoint(3600, HttpStatusCode.Unauthorized), TimeProvider.System);

        var ex = await Assert.ThrowsAsync<CredentialException>(() => credential.GetAsync(CancellationToken.None).AsTask());

        Assert.Equal(401, ex.Status);
        Assert.DoesNotContain("sp-secret", ex.Message, StringComparison.Ordinal);
    }
}
