using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Emulator;

namespace Tollgate.Tests.Functional;

public sealed class ConfigAndAdminTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private string OpenAIProvider(string name) => $$"""
        { "providers": { "{{name}}": { "custom_provider_config": { "base_provider_type": "openai" },
            "base_url": "{{_emulator.OpenAIBaseUrl}}", "keys": [{ "name": "k", "value": "sk-test-reload" }] } } }
        """;

    private static async Task<HttpStatusCode> ChatStatusAsync(GatewayHost gateway, string model)
    {
        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Json($$"""{"model":"{{model}}","messages":[{"role":"user","content":"x"}]}"""));
        return response.StatusCode;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    [Fact]
    public async Task ConfigFile_ChangedOnDisk_IsReloaded_AndABadReloadKeepsTheLastGood()
    {
        await using var gateway = await GatewayHost.StartAsync(OpenAIProvider("first"));
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(gateway, "first/gpt-4o-mini"));

        await File.WriteAllTextAsync(gateway.ConfigPath, OpenAIProvider("second"));
        Assert.True(await EventuallyAsync(async () => await ChatStatusAsync(gateway, "second/gpt-4o-mini") == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.NotFound, await ChatStatusAsync(gateway, "first/gpt-4o-mini"));

        await File.WriteAllTextAsync(gateway.ConfigPath, """{ "providers": { "broken": { "keys": "nope" } } }""");
        await Task.Delay(1000);
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(gateway, "second/gpt-4o-mini"));
    }

    [Fact]
    public async Task ConfigFile_SwappedLikeAKubernetesConfigMap_IsReloaded()
    {
        // A ConfigMap volume: tollgate.json -> ..data/tollgate.json and ..data -> a versioned folder. An update writes a
        // new folder and renames a new ..data link over the old one, so no event names tollgate.json itself.
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", Guid.NewGuid().ToString("N"));
        var mount = Path.Combine(directory, "config");
        Directory.CreateDirectory(Path.Combine(mount, "..v1"));
        await File.WriteAllTextAsync(Path.Combine(mount, "..v1", "tollgate.json"), OpenAIProvider("first"));
        File.CreateSymbolicLink(Path.Combine(mount, "..data"), "..v1");
        File.CreateSymbolicLink(Path.Combine(mount, "tollgate.json"), Path.Combine("..data", "tollgate.json"));
        await using var gateway = await GatewayHost.StartAsync(configJson: null, directory: directory,
            extraArgs: ["--config", Path.Combine(mount, "tollgate.json")]);
        Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(gateway, "first/gpt-4o-mini"));

        Directory.CreateDirectory(Path.Combine(mount, "..v2"));
        await File.WriteAllTextAsync(Path.Combine(mount, "..v2", "tollgate.json"), OpenAIProvider("second"));
        File.CreateSymbolicLink(Path.Combine(mount, "..data_tmp"), "..v2");
        using (var rename = System.Diagnostics.Process.Start("mv", ["-T", Path.Combine(mount, "..data_tmp"), Path.Combine(mount, "..data")]))
        {
            await rename.WaitForExitAsync();
            Assert.Equal(0, rename.ExitCode);
        }

        Assert.True(await EventuallyAsync(async () => await ChatStatusAsync(gateway, "second/gpt-4o-mini") == HttpStatusCode.OK));
    }

    [Fact]
    public async Task BadConfigFile_FailsStartWithThePath()
    {
        var ex = await Assert.ThrowsAsync<ConfigException>(() => GatewayHost.StartAsync("""{ "providers": { "openai": { "keys": [{ "value": "k", "modles": [] }] } } }"""));

        Assert.Equal("$.providers.openai.keys[0].modles", ex.JsonPath);
    }

    [Fact]
    public async Task AdminApi_AddsProviderWithoutConfigFile_MasksSecrets_AndPersistsIt()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tollgate-tests", Guid.NewGuid().ToString("N"));
        await using (var gateway = await GatewayHost.StartAsync(configJson: null, directory: directory))
        {
            using var unauthorized = await gateway.Client.PutAsync("/api/providers/databricks", Json("{}"));
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);

            using var put = new HttpRequestMessage(HttpMethod.Put, "/api/providers/databricks")
            {
                Content = Json($$"""{ "base_url": "{{_emulator.DatabricksHost}}", "keys": [{ "name": "pat", "value": "dapi-test-admin-secret-value" }] }"""),
            };
            put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.AdminToken);
            using var putResponse = await gateway.Client.SendAsync(put);
            var putBody = await putResponse.Content.ReadAsStringAsync();
            Assert.True(putResponse.IsSuccessStatusCode, putBody);
            Assert.DoesNotContain("dapi-test-admin-secret-value", putBody, StringComparison.Ordinal);
            Assert.Contains("dapi", putBody, StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(gateway, "databricks/databricks-meta-llama-3-3-70b-instruct"));

            using var bad = new HttpRequestMessage(HttpMethod.Put, "/api/providers/databricks") { Content = Json("""{ "keys": [{ "value": 5 }] }""") };
            bad.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.AdminToken);
            using var badResponse = await gateway.Client.SendAsync(bad);
            Assert.Equal(HttpStatusCode.BadRequest, badResponse.StatusCode);
            var error = (await badResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
            Assert.Equal("$.providers.databricks.keys[0].value", error.GetProperty("param").GetString());
        }

        // The secret is encrypted at rest, and the provider survives a restart.
        var files = Directory.GetFiles(Path.Combine(directory, "data"), "tollgate.db*");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            Assert.DoesNotContain("dapi-test-admin-secret-value", await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }

        await using (var restarted = await GatewayHost.StartAsync(configJson: null, directory: directory))
        {
            Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(restarted, "databricks/databricks-meta-llama-3-3-70b-instruct"));
        }

        Directory.Delete(directory, recursive: true);
    }
}
