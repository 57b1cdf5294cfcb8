using System.Net;
using System.Text.RegularExpressions;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Ui;

/// <summary>How the UI's files are served: redirects, SPA fallback, cache headers and the security headers.</summary>
public sealed partial class UiEndpointsTests : IAsyncLifetime, IDisposable
{
    private GatewayHost _gateway = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayHost.StartAsync(configJson: null);
        _client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_gateway.BaseUrl) };
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("/")]
    [InlineData("/ui")]
    public async Task Root_RedirectsToTheUi(string path)
    {
        using var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/ui/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/ui/")]
    [InlineData("/ui/logs")]
    [InlineData("/ui/logs/0HN1:00000001")]
    [InlineData("/ui/providers/dbx-prod")]
    public async Task PagesWithoutAnExtension_GetIndexHtml_NotCached_WithStrictHeaders(string path)
    {
        using var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.True(response.Headers.CacheControl?.NoCache);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("__ASSET_BASE__", html, StringComparison.Ordinal);
        Assert.Matches(AssetUrl(), html);
    }

    [Fact]
    public async Task Assets_UnderTheCurrentHash_AreCachedForAYear()
    {
        var html = await _client.GetStringAsync("/ui/");
        var script = AssetUrl().Match(html).Value;

        using var response = await _client.GetAsync(script);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
        Assert.Contains("immutable", response.Headers.CacheControl!.Extensions.Select(e => e.Name));

        // A page from an older build may ask with its own hash: it gets today's file, but not cached under that hash.
        using var stale = await _client.GetAsync(Regex.Replace(script, "/v/[0-9a-f]+/", "/v/000000000000/"));
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.True(stale.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task Head_IsAnsweredLikeGet_WithoutABody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "/ui/logs");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/ui/missing.js")]
    [InlineData("/ui/v/000000000000/js/missing.js")]
    [InlineData("/ui/v/000000000000/../../appsettings.json")]
    public async Task UnknownFiles_Are404(string path)
    {
        using var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [GeneratedRegex("/ui/v/[0-9a-f]{12}/js/main\\.js")]
    private static partial Regex AssetUrl();
}
