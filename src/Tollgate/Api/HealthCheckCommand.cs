using System.Net.Security;

namespace Tollgate.Api;

/// <summary>
/// <c>Tollgate --healthcheck [path]</c>: asks the gateway in this container for <c>/health</c> (or <c>path</c>) and exits 0
/// on 200, 1 otherwise. The official aspnet images have neither curl nor wget (chiseled ones no shell either), so the
/// image's HEALTHCHECK runs the gateway's own binary. The address comes from the same settings the server listens on.
/// </summary>
public static class HealthCheckCommand
{
    public const string Flag = "--healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var path = args.Length > 1 && args[1].StartsWith('/') ? args[1] : "/health";
        var urls = ValueOf(args, "--urls") ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        var uri = ProbeUri(urls, path);
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            // A probe of our own listener over loopback, whose certificate is issued for the public name, not 127.0.0.1:
            // any certificate will do there, and only there.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, errors) => errors == SslPolicyErrors.None || uri.IsLoopback },
        };
        using var client = new HttpClient(handler) { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(uri);
            if (response.IsSuccessStatusCode)
            {
                return 0;
            }

            await Console.Error.WriteLineAsync($"Tollgate healthcheck: {uri} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"Tollgate healthcheck: {uri} failed: {ex.Message}");
        }

        return 1;
    }

    /// <summary>
    /// The loopback address of the first listen URL (<c>ASPNETCORE_URLS</c> style, <c>;</c>-separated), preferring http;
    /// wildcard hosts (<c>+</c>, <c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) become loopback.
    /// </summary>
    public static Uri ProbeUri(string? urls, string path = "/health")
    {
        var candidates = (string.IsNullOrWhiteSpace(urls) ? TollgateApp.DefaultUrl : urls)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var chosen = candidates.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? candidates[0];
        var schemeEnd = chosen.IndexOf("://", StringComparison.Ordinal);
        var scheme = chosen[..schemeEnd].ToLowerInvariant();
        var authority = chosen[(schemeEnd + 3)..].Split('/')[0];
        var portStart = authority.LastIndexOf(':');
        var host = portStart > authority.LastIndexOf(']') ? authority[..portStart] : authority;
        var port = portStart > authority.LastIndexOf(']') ? authority[(portStart + 1)..] : (scheme == "https" ? "443" : "80");
        host = host switch
        {
            "+" or "*" or "0.0.0.0" or "localhost" or "" => "127.0.0.1",
            "[::]" => "[::1]",
            _ => host,
        };
        return new Uri($"{scheme}://{host}:{port}{path}");
    }

    private static string? ValueOf(string[] args, string name)
    {
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (string.Equals(args[i], name, StringComparison.Ordinal))
            {
                return args[i + 1];
            }
        }

        return null;
    }
}
