using System.Text.Json;
using Tollgate.Emulator;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Providers.Wave2;

/// <summary>
/// The emulator and a gateway with the wave-2 providers (Gemini, Vertex AI, Cohere, Bedrock) beside the usual ones,
/// so fallbacks can cross families. Keys are assembled at run time from the emulator's conventions.
/// </summary>
public sealed class Wave2Fixture : IAsyncLifetime
{
    public static readonly string GeminiKey = "gm-test-" + "key-1";
    public static readonly string CohereKey = "co-test-" + "key-1";
    public static readonly string AwsAccessKey = EmulatorState.AwsAccessKeyPrefix + "TEST0001";
    public static readonly string BedrockApiKey = "bedrock-api-key-" + "test-1";

    public EmulatorHost Emulator { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public HttpClient Client => Gateway.Client;

    public async Task InitializeAsync()
    {
        Emulator = await EmulatorHost.StartAsync();
        Gateway = await GatewayHost.StartAsync(GatewayFixture.BuildConfig(Emulator, ExtraProviders(Emulator)));
    }

    private static string ExtraProviders(EmulatorHost emulator)
    {
        var serviceAccount = JsonSerializer.Serialize(emulator.VertexServiceAccountJson());
        var secret = JsonSerializer.Serialize(EmulatorState.AwsSecretFor(AwsAccessKey));
        return $$"""
            ,
            "gemini": {
              "base_url": "{{emulator.GeminiBaseUrl}}",
              "keys": [{ "name": "gm-1", "value": "{{GeminiKey}}", "models": ["gemini-2.5-flash", "gemini-embedding-001"] }],
              "network_config": { "max_retries": 2, "retry_backoff_initial": 10, "retry_backoff_max": 50 }
            },
            "vertex": {
              "base_url": "{{emulator.VertexBaseUrl}}",
              "keys": [{ "name": "vx-1", "models": ["gemini-2.5-flash", "gemini-embedding-001"],
                "vertex_key_config": { "project_id": "emu-project", "region": "us-central1", "auth_credentials": {{serviceAccount}} } }],
              "network_config": { "max_retries": 2, "retry_backoff_initial": 10, "retry_backoff_max": 50 }
            },
            "cohere": {
              "base_url": "{{emulator.CohereBaseUrl}}",
              "keys": [{ "name": "co-1", "value": "{{CohereKey}}", "models": ["command-a-03-2025", "embed-v4.0"] }],
              "network_config": { "max_retries": 2, "retry_backoff_initial": 10, "retry_backoff_max": 50 }
            },
            "bedrock": {
              "base_url": "{{emulator.BedrockBaseUrl}}",
              "keys": [{ "name": "br-1", "models": ["anthropic.claude-3-5-haiku-20241022-v1:0", "amazon.titan-embed-text-v2:0"],
                "bedrock_key_config": { "access_key": "{{AwsAccessKey}}", "secret_key": {{secret}}, "region": "us-east-1",
                  "deployments": { "claude-haiku": "us.anthropic.claude-3-5-haiku-20241022-v1:0" } } }],
              "network_config": { "max_retries": 2, "retry_backoff_initial": 10, "retry_backoff_max": 50 }
            },
            "bedrock-apikey": {
              "custom_provider_config": { "base_provider_type": "bedrock" },
              "base_url": "{{emulator.BedrockBaseUrl}}",
              "keys": [{ "name": "br-key", "value": "{{BedrockApiKey}}", "models": ["amazon.nova-lite-v1:0"] }]
            }
            """;
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class Wave2Collection : ICollectionFixture<Wave2Fixture>
{
    public const string Name = "Wave2Providers";
}
