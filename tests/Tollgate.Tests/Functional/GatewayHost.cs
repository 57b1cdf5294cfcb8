using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Tests.Functional;

/// <summary>A real Tollgate gateway on a loopback port, with its own config file and data directory.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string AdminToken = "tga-test-admin-token";

    /// <summary>PBKDF2 iterations of test gateways' password hashes (production uses PasswordHasher.DefaultIterations).</summary>
    public const int TestPasswordIterations = 1_000;

    /// <summary>Gateways sharing a PostgreSQL database must share the key that encrypts the secrets stored there.</summary>
    public const string PostgresEncryptionKey = "test-cluster-encryption-key";

    private readonly WebApplication _app;

    private readonly bool _ownsDirectory;

    private GatewayHost(WebApplication app, string directory, string baseUrl, bool ownsDirectory)
    {
        _ownsDirectory = ownsDirectory;
        _app = app;
        Directory = directory;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string BaseUrl { get; }

    public string Directory { get; }

    public string ConfigPath => Path.Combine(Directory, "tollgate.json");

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="directory">Reuse a directory (and its data) from an earlier host, to test restarts; it is then kept.</param>
    /// <param name="postgres">An Npgsql connection string: store in PostgreSQL (<c>TOLLGATE_POSTGRES</c>) instead of SQLite.</param>
    /// <param name="extraArgs">More command-line options, e.g. <c>--TOLLGATE_ADMIN_PASSWORD</c>.</param>
    public static async Task<GatewayHost> StartAsync(string? configJson, Action<IServiceCollection>? configureServices = null, string? directory = null, string? postgres = null,
        IEnumerable<string>? extraArgs = null)
    {
        var ownsDirectory = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "tollgate-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            "--data", Path.Combine(directory, "data"),
            "--TOLLGATE_ADMIN_TOKEN", AdminToken,
            "--Logging:LogLevel:Default", "Warning",
        };
        if (postgres is not null)
        {
            args.AddRange(["--TOLLGATE_POSTGRES", postgres, "--TOLLGATE_ENCRYPTION_KEY", PostgresEncryptionKey]);
        }

        args.AddRange(extraArgs ?? []);
        if (configJson is not null)
        {
            var path = Path.Combine(directory, "tollgate.json");
            await File.WriteAllTextAsync(path, configJson);
            args.Add("--config");
            args.Add(path);
        }

        // Every start hashes the first admin's password; at the production work factor (~0.3 s of CPU each) that adds up
        // over a suite of gateways on a small machine. A test that needs the real factor registers its own hasher.
        var app = TollgateApp.Build([.. args], services =>
        {
            services.AddSingleton(new Tollgate.Api.Auth.PasswordHasher(TestPasswordIterations));
            configureServices?.Invoke(services);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new GatewayHost(app, directory, address, ownsDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!_ownsDirectory)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
