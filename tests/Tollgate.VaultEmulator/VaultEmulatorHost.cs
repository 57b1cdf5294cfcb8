using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Tollgate.VaultEmulator;

/// <summary>
/// The four secret stores on one loopback port, for the gateway's vault tests:
/// <code>
/// await using var vaults = await VaultEmulatorHost.StartAsync();
/// vaults.HashiCorp.Put("secret", "llm/openai", new Dictionary&lt;string, string&gt; { ["api_key"] = "sk-test-1" });
/// // "vaults": { "hv": { "type": "hashicorp", "address": vaults.HashiCorpAddress, "token": vaults.HashiCorp.RootToken } }
/// </code>
/// </summary>
public sealed class VaultEmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private string _baseUrl = string.Empty;

    private VaultEmulatorHost(WebApplication app)
    {
        _app = app;
        Google = new GoogleSecretManager(() => _baseUrl);
        Azure = new AzureKeyVault(() => _baseUrl);
    }

    public string BaseUrl => _baseUrl;

    public HashiCorpVault HashiCorp { get; } = new();

    public AwsSecretsManager Aws { get; } = new();

    public GoogleSecretManager Google { get; }

    public AzureKeyVault Azure { get; }

    /// <summary>Vault's address (what <c>VAULT_ADDR</c> would be).</summary>
    public string HashiCorpAddress => BaseUrl + "/hashicorp";

    public string AwsEndpoint => BaseUrl + "/aws/sm";

    public string AwsStsEndpoint => BaseUrl + "/aws/sts";

    public static async Task<VaultEmulatorHost> StartAsync(string url = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        var host = new VaultEmulatorHost(app);
        host.HashiCorp.Map(app);
        host.Aws.Map(app);
        host.Google.Map(app);
        host.Azure.Map(app);
        await app.StartAsync();
        host._baseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
