using Tollgate.Emulator;

namespace Tollgate.Tests.Functional;

/// <summary>
/// One upstream emulator and one gateway configured with every provider family, shared by the functional tests.
/// Tests in the collection run one at a time, so fault rules and counters do not leak between them.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string DatabricksPat = "dapi-test-pat-1";
    public const string OpenAIKey = "sk-test-openai-1";
    public const string AnthropicKey = "sk-ant-test-1";
    public const string AzureKey = "azure-test-1";
    public const string SpClientId = "sp-test-client";
    public const string SpClientSecret = "sp-test-secret";

    public EmulatorHost Emulator { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public HttpClient Client => Gateway.Client;

    public string Config { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync();
        Config = BuildConfig(Emulator);
        Gateway = await GatewayHost.StartAsync(Config);
    }

    public static string BuildConfig(EmulatorHost emulator, string extraProviders = "") => $$"""
        {
          "providers": {
            "databricks": {
              "base_url": "{{emulator.DatabricksHost}}",
              "keys": [{ "name": "pat", "value": "{{DatabricksPat}}", "models": ["*"] }],
              "network_config": { "max_retries": 2, "retry_backoff_initial": 10, "retry_backoff_max": 50 }
            },
            "dbx-sp": {
              "custom_provider_config": { "base_provider_type": "databricks" },
              "base_url": "{{emulator.DatabricksHost}}",
              "keys": [{ "name": "sp", "databricks_key_config": { "client_id": "{{SpClientId}}", "client_secret": "{{SpClientSecret}}" } }]
            },
            "openai": {
              "base_url": "{{emulator.OpenAIBaseUrl}}",
              "keys": [{ "name": "oa-1", "value": "{{OpenAIKey}}", "models": ["*"] }],
              "network_config": { "max_retries": 2, "retry_backoff_initial": 10, "retry_backoff_max": 50 }
            },
            "anthropic": {
              "base_url": "{{emulator.AnthropicBaseUrl}}",
              "keys": [{ "name": "an-1", "value": "{{AnthropicKey}}" }]
            },
            "azure": {
              "keys": [{ "name": "az-1", "value": "{{AzureKey}}",
                "azure_key_config": { "endpoint": "{{emulator.AzureEndpoint}}", "deployments": { "gpt-4o-mini": "prod-mini" } } }]
            },
            "local-vllm": {
              "custom_provider_config": { "base_provider_type": "openai" },
              "base_url": "{{emulator.CompatBaseUrl}}",
              "keys": []
            },
            "groq": {
              "base_url": "{{emulator.CompatBaseUrl}}",
              "keys": [{ "name": "gq", "value": "gsk-test", "models": ["llama-3.3-70b-versatile"] }]
            }{{extraProviders}}
          }
        }
        """;

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "Gateway";
}
