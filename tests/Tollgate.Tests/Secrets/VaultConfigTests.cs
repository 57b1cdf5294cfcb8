using Tollgate.Configuration;
using Tollgate.Secrets;
using Tollgate.VaultEmulator;

namespace Tollgate.Tests.Secrets;

/// <summary>The <c>vaults</c> section and references at load time: what resolves, and the JSON path of what does not.</summary>
public sealed class VaultConfigTests : IAsyncLifetime
{
    private VaultEmulatorHost _vaults = null!;

    public async Task InitializeAsync()
    {
        _vaults = await VaultEmulatorHost.StartAsync();
        _vaults.HashiCorp.Put("secret", "llm", new Dictionary<string, string> { ["openai"] = "sk-vault-openai-value", ["anthropic"] = "sk-vault-anthropic-value" });
    }

    public async Task DisposeAsync() => await _vaults.DisposeAsync();

    private string Config(string keyValue, string? vault = null) => $$"""
        {
          "vaults": { "hv": {{vault ?? $$"""{ "type": "hashicorp", "address": "{{_vaults.HashiCorpAddress}}", "token": "env.VAULT_TOKEN" }"""}} },
          "providers": { "openai": { "keys": [{ "name": "main", "value": "{{keyValue}}" }] } }
        }
        """;

    private ConfigLoader Loader() => GatewayConfigLoading.Loader(new SecretResolver(name => name == "VAULT_TOKEN" ? _vaults.HashiCorp.RootToken : null));

    [Fact]
    public void Reference_WithAField_ResolvesThatField()
    {
        var config = Loader().Load(Config("vault.hv/llm#openai"));

        Assert.Equal("sk-vault-openai-value", config.Providers["openai"].Keys[0].Value);
        Assert.Equal([new VaultReference("hv", "llm", null)], config.VaultReferences);
    }

    [Theory]
    [InlineData("vault.hv/missing#openai", "could not be resolved: reading secret/missing: HTTP 404")]
    [InlineData("vault.nope/llm#openai", "vault 'nope' is not defined in $.vaults")]
    [InlineData("vault.hv/llm#nope", "the secret has no field 'nope' (fields: anthropic, openai)")]
    [InlineData("vault.hv/llm", "the secret has fields (anthropic, openai); name one after '#'")]
    [InlineData("vault.hv", "is not a vault reference")]
    public void BadReference_FailsWithTheJsonPath_AndNoValue(string reference, string reason)
    {
        var error = Assert.Throws<ConfigException>(() => Loader().Load(Config(reference)));

        Assert.Equal("$.providers.openai.keys[0].value", error.JsonPath);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-vault", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreachableVault_FailsWithThePathOfTheFirstReference()
    {
        _vaults.HashiCorp.Sealed = true;
        var error = Assert.Throws<ConfigException>(() => Loader().Load(Config("vault.hv/llm#openai")));

        Assert.Equal("$.providers.openai.keys[0].value", error.JsonPath);
        Assert.Contains("HTTP 503: Vault is sealed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongToken_IsReportedWithoutTheToken()
    {
        var loader = GatewayConfigLoading.Loader(new SecretResolver(_ => "hvs.not-the-right-token"));
        var error = Assert.Throws<ConfigException>(() => loader.Load(Config("vault.hv/llm#openai")));

        Assert.Contains("HTTP 403: permission denied", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hvs.not-the-right-token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reload_DuringAnOutage_TakesKnownSecretsFromTheCache_AndFailsANewOneWithItsPath()
    {
        var loader = Loader();
        var first = loader.Load(Config("vault.hv/llm#openai"));
        ((SecretResolver)loader.Secrets).Vaults.Commit(first.Vaults, first.VaultReferences);
        _vaults.HashiCorp.Sealed = true;

        var again = loader.Load(Config("vault.hv/llm#openai"));
        Assert.Equal("sk-vault-openai-value", again.Providers["openai"].Keys[0].Value);
        Assert.Same(first.Vaults.Stores["hv"], again.Vaults.Stores["hv"]);

        var error = Assert.Throws<ConfigException>(() => loader.Load(Config("vault.hv/other#openai")));
        Assert.Equal("$.providers.openai.keys[0].value", error.JsonPath);
    }

    [Fact]
    public void ChangedVaultSettings_BuildANewStore()
    {
        var loader = Loader();
        var first = loader.Load(Config("vault.hv/llm#openai"));
        var second = loader.Load(Config("vault.hv/llm#openai",
            $$"""{ "type": "hashicorp", "address": "{{_vaults.HashiCorpAddress}}", "token": "env.VAULT_TOKEN", "refresh_seconds": 5 }"""));

        Assert.NotSame(first.Vaults.Stores["hv"], second.Vaults.Stores["hv"]);
    }

    [Theory]
    [InlineData("""{ "type": "hashicorp", "address": "http://127.0.0.1:1", "token": "vault.other/x#y" }""", "$.vaults.hv.token", "cannot come from a vault")]
    [InlineData("""{ "type": "hashicorp", "address": "http://127.0.0.1:1", "token": "t", "approle": { "role_id": "r", "secret_id": "s" } }""", "$.vaults.hv", "only one of token, approle or kubernetes")]
    [InlineData("""{ "type": "hashicorp", "address": "http://127.0.0.1:1", "token": "t", "tokn": 1 }""", "$.vaults.hv.tokn", "")]
    [InlineData("""{ "type": "keepass" }""", "$.vaults.hv.type", "unknown vault type 'keepass'")]
    [InlineData("""{ "type": "aws_secrets_manager", "region": "us-east-1", "access_key_id": "AKIA" }""", "$.vaults.hv.secret_access_key", "go together")]
    [InlineData("""{ "type": "aws_secrets_manager", "region": "us-east-1" }""", "$.vaults.hv", "AWS_* environment variables")]
    [InlineData("""{ "type": "gcp_secret_manager", "credentials": "{\"type\":\"authorized_user\"}" }""", "$.vaults.hv.credentials", "not a service-account key")]
    [InlineData("""{ "type": "azure_key_vault", "vault_url": "https://x.vault.azure.net", "client_id": "c" }""", "$.vaults.hv", "needs tenant_id, client_id and client_secret")]
    [InlineData("""{ "type": "hashicorp", "address": "http://127.0.0.1:1", "token": "t", "refresh_seconds": 0 }""", "$.vaults.hv.refresh_seconds", "")]
    public void BadVaultSettings_FailWithTheirJsonPath(string vault, string path, string reason)
    {
        var error = Assert.Throws<ConfigException>(() => Loader().Load(Config("literal-key", vault)));

        Assert.Equal(path, error.JsonPath);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vault.hv/a/b/c#f", "hv", "a/b/c", "f")]
    [InlineData("vault.aws/arn:aws:secretsmanager:us-east-1:1:secret:x", "aws", "arn:aws:secretsmanager:us-east-1:1:secret:x", null)]
    [InlineData("vault.gcp/key/versions/3", "gcp", "key/versions/3", null)]
    public void References_Parse(string text, string store, string path, string? field)
    {
        Assert.True(VaultReference.TryParse(text, out var reference));
        Assert.Equal(new VaultReference(store, path, field), reference);
        Assert.Equal(text, reference.ToString());
    }
}
