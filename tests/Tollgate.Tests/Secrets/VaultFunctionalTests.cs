using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Configuration;
using Tollgate.Emulator;
using Tollgate.Providers;
using Tollgate.Secrets;
using Tollgate.Tests.Functional;
using Tollgate.Tests.Storage;
using Tollgate.VaultEmulator;

namespace Tollgate.Tests.Secrets;

/// <summary>
/// Vault references end to end: a real gateway reads a provider key from each store emulator (every auth flow), the
/// secret rotates in the store, and the next refresh puts the new key in force without a restart or a new connection pool.
/// </summary>
public sealed class VaultFunctionalTests : IAsyncLifetime
{
    private const string Model = "openai/gpt-4o-mini";

    private VaultEmulatorHost _vaults = null!;
    private EmulatorHost _upstream = null!;
    private string _directory = null!;

    public static TheoryData<string> Scenarios => [.. VaultScenario.Names];

    public async Task InitializeAsync()
    {
        _vaults = await VaultEmulatorHost.StartAsync();
        _upstream = await EmulatorHost.StartAsync();
        _directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", "vault-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await _vaults.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task ProviderKey_FromVault_ResolvesAtStart_AndRotatesWithinRefreshSeconds(string scenarioName)
    {
        var scenario = VaultScenario.Create(scenarioName, _vaults, _directory);
        scenario.SetSecret("sk-test-first-0001");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        await using var gateway = await StartAsync(scenario, time, logs);

        Assert.Equal("sk-test-first-0001", await KeyTheUpstreamSawAsync(gateway));
        var providers = gateway.Services.GetRequiredService<ProviderRegistry>();
        var pool = providers.Providers["openai"].Http;

        scenario.SetSecret("sk-test-second-0002");
        var refresher = gateway.Services.GetRequiredService<VaultRefresher>();
        time.Advance(TimeSpan.FromSeconds(20));
        await refresher.RefreshDueAsync(CancellationToken.None);
        Assert.Equal("sk-test-first-0001", await KeyTheUpstreamSawAsync(gateway));

        time.Advance(TimeSpan.FromSeconds(60));
        await refresher.RefreshDueAsync(CancellationToken.None);
        Assert.Equal("sk-test-second-0002", await KeyTheUpstreamSawAsync(gateway));
        Assert.Same(pool, providers.Providers["openai"].Http);
        var (_, audit) = await gateway.AdminAsync(HttpMethod.Get, "/api/audit?action=vault.rotate");
        var rotation = Assert.Single(audit.GetProperty("entries").EnumerateArray());
        Assert.Equal("vault", rotation.GetProperty("actor_kind").GetString());
        Assert.DoesNotContain("sk-test-", audit.GetRawText(), StringComparison.Ordinal);

        var (_, vaults) = await gateway.AdminAsync(HttpMethod.Get, "/api/vaults");
        var status = vaults.GetProperty("vaults")[0];
        Assert.Equal("ok", status.GetProperty("status").GetString());
        Assert.Equal(1, status.GetProperty("secrets").GetInt32());
        Assert.DoesNotContain("sk-test-", logs.Text, StringComparison.Ordinal);
        var (_, providerView) = await gateway.AdminAsync(HttpMethod.Get, "/api/providers");
        Assert.DoesNotContain("sk-test-second", providerView.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackgroundRefresh_PutsARotatedKeyInForce_WithoutAnyoneAsking()
    {
        var scenario = VaultScenario.Create("hashicorp-token", _vaults, _directory);
        scenario.SetSecret("sk-test-before-loop");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await StartAsync(scenario, time, new CapturingLoggerProvider());
        Assert.Equal("sk-test-before-loop", await KeyTheUpstreamSawAsync(gateway));

        scenario.SetSecret("sk-test-after-loop");
        var providers = gateway.Services.GetRequiredService<ProviderRegistry>();
        var before = providers.Providers["openai"];
        time.Advance(TimeSpan.FromSeconds(31));

        // The refresher's own timer fired on the advanced clock; wait for its work, not for time to pass.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (ReferenceEquals(providers.Providers["openai"], before) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal("sk-test-after-loop", await KeyTheUpstreamSawAsync(gateway));
    }

    [Fact]
    public async Task VaultOutage_KeepsTheLastGoodKey_AndShowsInReadyMetricsAndApi()
    {
        var scenario = VaultScenario.Create("hashicorp-approle", _vaults, _directory);
        scenario.SetSecret("sk-test-last-good");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        await using var gateway = await StartAsync(scenario, time, logs);
        var refresher = gateway.Services.GetRequiredService<VaultRefresher>();

        _vaults.HashiCorp.Sealed = true;
        time.Advance(TimeSpan.FromSeconds(31));
        await refresher.RefreshDueAsync(CancellationToken.None);

        Assert.Equal("sk-test-last-good", await KeyTheUpstreamSawAsync(gateway));
        var ready = await gateway.Client.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var readyText = await ready.Content.ReadAsStringAsync();
        Assert.Contains("\"status\":\"failing\"", readyText, StringComparison.Ordinal);
        Assert.Contains("Vault is sealed", readyText, StringComparison.Ordinal);
        var metrics = await gateway.Client.GetStringAsync("/metrics");
        Assert.Contains("tollgate_vault_up{vault=\"store\",type=\"hashicorp\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("tollgate_vault_refresh_failures_total{vault=\"store\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("keeping the last good value", logs.Text, StringComparison.Ordinal);

        _vaults.HashiCorp.Sealed = false;
        scenario.SetSecret("sk-test-after-outage");
        time.Advance(TimeSpan.FromSeconds(31));
        await refresher.RefreshDueAsync(CancellationToken.None);
        Assert.Equal("sk-test-after-outage", await KeyTheUpstreamSawAsync(gateway));
        Assert.Contains("tollgate_vault_up{vault=\"store\",type=\"hashicorp\"} 1", await gateway.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-test-", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VirtualKeyValue_AndDatabricksServicePrincipalSecret_ComeFromAVault_AndRotate()
    {
        var scenario = VaultScenario.Create("aws-static", _vaults, _directory);
        _vaults.Aws.Put("gateway/keys", """{"vk_app":"sk-tg-from-vault-000001","dbx_secret":"dbx-sp-secret-1"}""");
        scenario.SetSecret("sk-test-unused");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var config = $$"""
            {
              "vaults": { "store": {{scenario.VaultJson}} },
              "client": { "enforce_auth_on_inference": true },
              "providers": {
                "databricks": { "base_url": "{{_upstream.DatabricksHost}}",
                  "keys": [{ "name": "sp", "databricks_key_config": { "client_id": "sp-test-vault", "client_secret": "vault.store/gateway/keys#dbx_secret" } }] }
              },
              "governance": { "virtual_keys": [{ "id": "vk-app", "name": "app", "value": "vault.store/gateway/keys#vk_app" }] }
            }
            """;
        await using var gateway = await GatewayHost.StartAsync(config, services => Configure(services, scenario, time, new CapturingLoggerProvider()));
        const string DbxModel = "databricks/databricks-meta-llama-3-3-70b-instruct";

        Assert.Equal(HttpStatusCode.OK, (await gateway.ChatAsync(DbxModel, "sk-tg-from-vault-000001")).StatusCode);
        Assert.Contains(_upstream.Journal.For("databricks"), e => e.PathAndQuery.EndsWith("/oidc/v1/token", StringComparison.Ordinal)
            && BasicSecret(e) == "dbx-sp-secret-1");

        _vaults.Aws.Put("gateway/keys", """{"vk_app":"sk-tg-from-vault-000002","dbx_secret":"dbx-sp-secret-2"}""");
        time.Advance(TimeSpan.FromSeconds(61));
        await gateway.Services.GetRequiredService<VaultRefresher>().RefreshDueAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.ChatAsync(DbxModel, "sk-tg-from-vault-000001")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.ChatAsync(DbxModel, "sk-tg-from-vault-000002")).StatusCode);
        Assert.Contains(_upstream.Journal.For("databricks"), e => e.PathAndQuery.EndsWith("/oidc/v1/token", StringComparison.Ordinal)
            && BasicSecret(e) == "dbx-sp-secret-2");
        var (_, keys) = await gateway.AdminAsync(HttpMethod.Get, "/api/virtual-keys");
        Assert.DoesNotContain("sk-tg-from-vault-000002", keys.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoredProvider_MayReferToTheFilesVault_AndItsKeyRotatesToo()
    {
        var scenario = VaultScenario.Create("gcp-service-account", _vaults, _directory);
        scenario.SetSecret("sk-test-file-provider");
        _vaults.Google.AddVersion("stored-provider-key", "sk-test-stored-1");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await StartAsync(scenario, time, new CapturingLoggerProvider());

        var (created, _) = await gateway.AdminAsync(HttpMethod.Put, "/api/providers/second",
            $$"""{ "custom_provider_config": { "base_provider_type": "openai" }, "base_url": "{{_upstream.OpenAIBaseUrl}}", "keys": [{ "name": "k", "value": "vault.store/stored-provider-key" }] }""");
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        Assert.Equal("sk-test-stored-1", await KeyTheUpstreamSawAsync(gateway, "second/gpt-4o-mini"));

        _vaults.Google.AddVersion("stored-provider-key", "sk-test-stored-2");
        time.Advance(TimeSpan.FromSeconds(61));
        await gateway.Services.GetRequiredService<VaultRefresher>().RefreshDueAsync(CancellationToken.None);
        Assert.Equal("sk-test-stored-2", await KeyTheUpstreamSawAsync(gateway, "second/gpt-4o-mini"));
    }

    [Fact]
    public async Task ReferenceThatNeverResolved_FailsTheStart_WithItsJsonPath()
    {
        var scenario = VaultScenario.Create("azure-client-credentials", _vaults, _directory);
        var config = $$"""
            { "vaults": { "store": {{scenario.VaultJson}} },
              "providers": { "openai": { "base_url": "{{_upstream.OpenAIBaseUrl}}", "keys": [{ "name": "main", "value": "vault.store/never-created" }] } } }
            """;
        var error = await Assert.ThrowsAsync<ConfigException>(() =>
            GatewayHost.StartAsync(config, services => Configure(services, scenario, new FakeTimeProvider(DateTimeOffset.UtcNow), new CapturingLoggerProvider())));

        Assert.Equal("$.providers.openai.keys[0].value", error.JsonPath);
        Assert.Contains("SecretNotFound", error.Message, StringComparison.Ordinal);
    }

    private Task<GatewayHost> StartAsync(VaultScenario scenario, FakeTimeProvider time, CapturingLoggerProvider logs) =>
        GatewayHost.StartAsync($$"""
            {
              "vaults": { "{{VaultScenario.Store}}": {{scenario.VaultJson}} },
              "providers": { "openai": { "base_url": "{{_upstream.OpenAIBaseUrl}}", "keys": [{ "name": "main", "value": "{{scenario.Reference}}" }] } }
            }
            """, services => Configure(services, scenario, time, logs));

    private static void Configure(IServiceCollection services, VaultScenario scenario, FakeTimeProvider time, CapturingLoggerProvider logs)
    {
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(sp => new SecretResolver(name => scenario.Environment.GetValueOrDefault(name), sp.GetRequiredService<VaultRegistry>()));
        services.AddSingleton<ILoggerProvider>(logs);
    }

    private async Task<string?> KeyTheUpstreamSawAsync(GatewayHost gateway, string model = Model)
    {
        var mark = _upstream.Journal.Mark();
        using var response = await gateway.ChatAsync(model, virtualKey: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return _upstream.Journal.Since(mark)[^1].Credential;
    }

    private static string BasicSecret(JournalEntry entry)
    {
        var basic = entry.Headers["Authorization"]["Basic ".Length..];
        return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(basic)).Split(':', 2)[1];
    }
}
