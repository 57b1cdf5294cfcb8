using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Tollgate.Tests.Observability;

/// <summary>
/// A real gateway on loopback like <see cref="Functional.GatewayHost"/>, with extra command-line options (OTEL_* for
/// tracing tests) that the shared host does not take.
/// </summary>
public sealed class ObservedGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private ObservedGateway(WebApplication app, string directory, string baseUrl)
    {
        _app = app;
        _directory = directory;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ObservedGateway> StartAsync(string configJson, params string[] extraArgs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var configPath = Path.Combine(directory, "tollgate.json");
        await File.WriteAllTextAsync(configPath, configJson);
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--data", Path.Combine(directory, "data"),
            "--TOLLGATE_ADMIN_TOKEN", Functional.GatewayHost.AdminToken,
            "--Logging:LogLevel:Default", "Warning",
            "--config", configPath,
            .. extraArgs,
        ];
        var app = TollgateApp.Build(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ObservedGateway(app, directory, address);
    }

    public async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await Client.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
