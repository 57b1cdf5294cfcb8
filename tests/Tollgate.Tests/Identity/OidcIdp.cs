using System.Diagnostics;
using Tollgate.Tests.Common;

namespace Tollgate.Tests.Identity;

/// <summary>
/// The real OpenID provider of tests/oidc-idp (npm oidc-provider; scripts/test.sh runs <c>npm ci</c> there) on a free
/// loopback port, registered with one confidential client whose redirect URIs point at <paramref name="gatewayBaseUrl"/>.
/// </summary>
public sealed class OidcIdp : IAsyncDisposable
{
    public const string ClientId = "tollgate";
    public const string ClientSecret = "tollgate-test-client-secret";

    private readonly Process _process;

    private OidcIdp(Process process, string issuer)
    {
        _process = process;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public static async Task<OidcIdp> StartAsync(string gatewayBaseUrl)
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "oidc-idp");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException($"oidc-provider is not installed: run 'npm ci' in {folder} (scripts/test.sh does)");
        }

        var port = ChildServer.FreePort();
        var start = new ProcessStartInfo("node", "server.js") { WorkingDirectory = folder };
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["CLIENT_ID"] = ClientId;
        start.Environment["CLIENT_SECRET"] = ClientSecret;
        start.Environment["REDIRECT_URI"] = gatewayBaseUrl + "/sso/oidc/callback";
        start.Environment["POST_LOGOUT_REDIRECT_URI"] = gatewayBaseUrl + "/sso/oidc/signed-out";
        var process = ChildServer.StartDrained(start, "oidc-provider");
        try
        {
            await ChildServer.WaitListeningAsync(process, port, "oidc-provider");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }

        return new OidcIdp(process, $"http://127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tollgate.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
