using System.Diagnostics;
using Tollgate.Tests.Common;

namespace Tollgate.Tests.Identity;

/// <summary>
/// The real OpenID provider of tests/oidc-idp (npm oidc-provider; scripts/test.sh runs <c>npm ci</c> there) on a free
/// loopback port, registered with one confidential client whose redirect URIs point at the gateway. Every start signs
/// with a new key, so a restart on the same <c>port</c> rotates the signing key under the same issuer.
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

    public int Port { get; private init; }

    public static async Task<OidcIdp> StartAsync(string gatewayBaseUrl, int? port = null)
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "oidc-idp");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException($"oidc-provider is not installed: run 'npm ci' in {folder} (scripts/test.sh does)");
        }

        var listen = port ?? ChildServer.FreePort();
        var start = new ProcessStartInfo("node", "server.js") { WorkingDirectory = folder };
        start.Environment["PORT"] = listen.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["CLIENT_ID"] = ClientId;
        start.Environment["CLIENT_SECRET"] = ClientSecret;
        start.Environment["REDIRECT_URI"] = gatewayBaseUrl + "/sso/oidc/callback";
        start.Environment["POST_LOGOUT_REDIRECT_URI"] = gatewayBaseUrl + "/sso/oidc/signed-out";
        var process = ChildServer.StartDrained(start, "oidc-provider");
        try
        {
            await ChildServer.WaitListeningAsync(process, listen, "oidc-provider");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }

        return new OidcIdp(process, $"http://127.0.0.1:{listen}") { Port = listen };
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
