using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Secrets;

namespace Tollgate.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["DATABRICKS_TOKEN"] = "dapi-test-token",
        ["DBX_CLIENT_ID"] = "sp-test-id",
        ["DBX_CLIENT_SECRET"] = "sp-secret",
        ["OPENAI_API_KEY"] = "sk-test-openai",
        ["ANTHROPIC_API_KEY"] = "sk-ant-test",
        ["VK_APP"] = "sk-tg-app",
    };

    private static ConfigLoader Loader() => GatewayConfigLoading.Loader(new SecretResolver(name => Env.GetValueOrDefault(name)));

    [Fact]
    public void Load_DesignDocumentExample_ParsesEveryProvider()
    {
        // The example from DESIGN.md, verbatim in structure.
        const string json = """
        {
          "client": { "enforce_auth_on_inference": true, "max_request_body_size_mb": 32 },
          "providers": {
            "databricks": {
              "base_url": "https://adb-123.4.azuredatabricks.net",
              "keys": [
                { "name": "pat", "value": "env.DATABRICKS_TOKEN", "models": ["*"], "weight": 1 },
                { "name": "sp", "databricks_key_config": { "client_id": "env.DBX_CLIENT_ID",
                  "client_secret": "env.DBX_CLIENT_SECRET" }, "models": ["*"], "weight": 1 }
              ],
              "network_config": { "default_request_timeout_in_seconds": 120, "max_retries": 2 }
            },
            "openai": { "keys": [{ "name": "oa", "value": "env.OPENAI_API_KEY", "models": ["*"] }] },
            "anthropic": { "keys": [{ "name": "an", "value": "env.ANTHROPIC_API_KEY", "models": ["*"] }] },
            "local-vllm": { "custom_provider_config": { "base_provider_type": "openai" },
                            "base_url": "http://127.0.0.1:8000/v1", "keys": [] }
          },
          "governance": {
            "customers": [{ "id": "acme", "name": "Acme", "budget_id": "b-acme" }],
            "teams": [{ "id": "ml", "name": "ML", "customer_id": "acme" }],
            "budgets": [{ "id": "b-acme", "max_limit": 500.0, "reset_duration": "1M" }],
            "rate_limits": [],
            "virtual_keys": []
          },
          "pricing": {
            "databricks/databricks-meta-llama-3-3-70b-instruct": { "input_per_mtok": 0.50, "output_per_mtok": 1.50 },
            "gpt-4o-mini": { "input_per_mtok": 0.15, "output_per_mtok": 0.60, "cached_input_per_mtok": 0.075 }
          }
        }
        """;

        var config = Loader().Load(json);

        Assert.True(config.Client.EnforceAuthOnInference);
        Assert.Equal(4, config.Providers.Count);
        var databricks = config.Providers["databricks"];
        Assert.Equal(ProviderKind.Databricks, databricks.Kind);
        Assert.Equal("dapi-test-token", databricks.Keys[0].Value);
        Assert.Equal("sp-test-id", databricks.Keys[1].Databricks!.ClientId);
        Assert.Equal(2, databricks.Network.MaxRetries);
        Assert.Equal("https://api.openai.com/v1", config.Providers["openai"].BaseUrl);
        Assert.Equal(ProviderKind.OpenAI, config.Providers["local-vllm"].Kind);
        Assert.Empty(config.Providers["local-vllm"].Keys);
        Assert.Equal(0.075, config.Pricing["gpt-4o-mini"].CachedInputPerMTok);
        Assert.NotNull(config.Governance);
    }

    [Theory]
    [InlineData("""{ "providers": { "openai": { "keys": [{ "value": "sk-test", "wieght": 1 }] } } }""", "$.providers.openai.keys[0].wieght", "unknown field")]
    [InlineData("""{ "providers": { "openai": { "keys": [{ "value": "sk-test", "weight": "heavy" }] } } }""", "$.providers.openai.keys[0].weight", "expected a number")]
    [InlineData("""{ "providers": { "databricks": { "keys": [{ "value": "dapi-x" }] } } }""", "$.providers.databricks.base_url", "is required")]
    [InlineData("""{ "providers": { "my-llm": { "base_url": "http://x/v1", "keys": [] } } }""", "$.providers.my-llm", "unknown provider type")]
    [InlineData("""{ "providers": { "openai": { "keys": [{ "value": "env.MISSING_VAR" }] } } }""", "$.providers.openai.keys[0].value", "MISSING_VAR")]
    [InlineData("""{ "providers": { "openai": { "keys": [] } } }""", "$.providers.openai.keys", "at least one key")]
    [InlineData("""{ "providers": { "openai": { "base_url": "not a url", "keys": [{ "value": "k" }] } } }""", "$.providers.openai.base_url", "not an absolute")]
    [InlineData("""{ "client": { "max_request_body_size_mb": 0 } }""", "$.client.max_request_body_size_mb", "between")]
    [InlineData("""{ "provders": {} }""", "$.provders", "unknown field")]
    [InlineData("""{ "client": { "max_connections": -1 } }""", "$.client.max_connections", "between")]
    [InlineData("""{ "client": { "request_headers_timeout_seconds": 0 } }""", "$.client.request_headers_timeout_seconds", "between")]
    [InlineData("""{ "providers": { "azure": { "keys": [{ "value": "k" }] } } }""", "$.providers.azure.keys[0].azure_key_config", "is required")]
    [InlineData("""{ "providers": { "openai": { "keys": [{ "value": "k", "databricks_key_config": { "client_id": "a", "client_secret": "b" } }] } } }""", "$.providers.openai.keys[0].databricks_key_config", "only applies")]
    public void Load_BadField_FailsWithItsJsonPath(string json, string expectedPath, string expectedReason)
    {
        var ex = Assert.Throws<ConfigException>(() => Loader().Load(json));

        Assert.Equal(expectedPath, ex.JsonPath);
        Assert.Contains(expectedReason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedJson_ReportsLine()
    {
        var ex = Assert.Throws<ConfigException>(() => Loader().Load("{\n \"providers\": { ,\n}"));

        Assert.StartsWith("$ (line 2", ex.JsonPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BifrostOnlyFields_AreWarningsWithPaths()
    {
        const string json = """
        {
          "$schema": "https://www.getbifrost.ai/schema",
          "client": { "drop_excess_requests": false, "initial_pool_size": 300 },
          "providers": {
            "openai": { "keys": [{ "id": "k1", "value": "sk-test", "models": [], "weight": 1.0 }],
                        "concurrency_and_buffer_size": { "concurrency": 10, "buffer_size": 100 } },
            "huggingface": { "keys": [{ "value": "x" }] }
          },
          "plugins": []
        }
        """;

        var config = Loader().Load(json);

        Assert.Single(config.Providers);
        Assert.Equal("k1", config.Providers["openai"].Keys[0].Id);
        Assert.Equal(["*"], config.Providers["openai"].Keys[0].Models);
        Assert.Contains(config.Warnings, w => w.StartsWith("$.client.drop_excess_requests", StringComparison.Ordinal));
        Assert.Contains(config.Warnings, w => w.StartsWith("$.providers.openai.concurrency_and_buffer_size", StringComparison.Ordinal));
        Assert.Contains(config.Warnings, w => w.StartsWith("$.providers.huggingface", StringComparison.Ordinal));
        Assert.Contains(config.Warnings, w => w.StartsWith("$.plugins", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_BedrockAndVertexKeys_ReadBifrostFields()
    {
        const string json = """
        { "providers": {
            "bedrock": { "keys": [{ "name": "aws", "models": ["m"],
              "bedrock_key_config": { "access_key": "AKIDEXAMPLE", "secret_key": "s", "session_token": "t", "region": "eu-west-1",
                "deployments": { "haiku": "us.anthropic.claude-3-5-haiku-20241022-v1:0" }, "arn": "arn:aws:bedrock:x" } }] },
            "vertex": { "keys": [{ "name": "gcp", "vertex_key_config": { "project_id": "p1", "region": "global", "auth_credentials": "{}" } }] }
        } }
        """;

        var config = Loader().Load(json);

        var bedrock = config.Providers["bedrock"];
        Assert.Equal(string.Empty, bedrock.BaseUrl);
        Assert.Equal("eu-west-1", bedrock.Keys[0].Bedrock!.Region);
        Assert.Equal("t", bedrock.Keys[0].Bedrock!.SessionToken);
        Assert.Equal("us.anthropic.claude-3-5-haiku-20241022-v1:0", bedrock.Keys[0].Bedrock!.Deployments["haiku"]);
        Assert.Contains(config.Warnings, w => w.StartsWith("$.providers.bedrock.keys[0].bedrock_key_config.arn", StringComparison.Ordinal));
        Assert.Equal("p1", config.Providers["vertex"].Keys[0].Vertex!.ProjectId);
        Assert.Equal("{}", config.Providers["vertex"].Keys[0].Vertex!.AuthCredentials);
    }

    [Fact]
    public void Load_BedrockAccessKeyWithoutSecret_IsAnError()
    {
        var ex = Assert.Throws<ConfigException>(() => Loader().Load("""
            { "providers": { "bedrock": { "keys": [{ "bedrock_key_config": { "access_key": "AKIDEXAMPLE" } }] } } }
            """));

        Assert.Contains("secret_key", ex.JsonPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AzureKey_ReadsDeploymentsAndVersion()
    {
        const string json = """
        { "providers": { "azure": { "keys": [{ "name": "az", "value": "azure-key",
            "azure_key_config": { "endpoint": "https://x.openai.azure.com/", "deployments": { "gpt-4o": "prod-4o" }, "api_version": "2024-06-01" } }] } } }
        """;

        var key = Loader().Load(json).Providers["azure"].Keys[0];

        Assert.Equal("https://x.openai.azure.com", key.Azure!.Endpoint);
        Assert.Equal("prod-4o", key.Azure.Deployments["gpt-4o"]);
        Assert.Equal("2024-06-01", key.Azure.ApiVersion);
    }

    [Fact]
    public void Load_FileSecretReference_ReadsTrimmedFile()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "sk-test-from-file\n");
        try
        {
            var config = Loader().Load($$"""{ "providers": { "openai": { "keys": [{ "value": "file.{{path}}" }] } } }""");

            Assert.Equal("sk-test-from-file", config.Providers["openai"].Keys[0].Value);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
