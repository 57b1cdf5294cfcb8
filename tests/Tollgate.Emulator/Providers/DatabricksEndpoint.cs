using System.Text.Json.Nodes;

namespace Tollgate.Emulator.Providers;

/// <summary>A serving endpoint in the emulated workspace. <see cref="ServedModel"/> is what responses report as <c>model</c>.</summary>
internal sealed record DatabricksEndpoint(string Name, string Task, bool Ready, string ServedModel, bool FoundationModel)
{
    public const string ChatTask = "llm/v1/chat";
    public const string CompletionsTask = "llm/v1/completions";
    public const string EmbeddingsTask = "llm/v1/embeddings";

    public static IReadOnlyList<DatabricksEndpoint> All { get; } =
    [
        new("databricks-meta-llama-3-3-70b-instruct", ChatTask, true, "meta-llama-3.3-70b-instruct-121024", true),
        new("databricks-claude-sonnet-4-5", ChatTask, true, "claude-sonnet-4-5-20250929", true),
        new("databricks-gte-large-en", EmbeddingsTask, true, "gte-large-en-v1.5", true),
        new("databricks-mpt-7b-instruct", CompletionsTask, true, "mpt-7b-instruct", true),
        new("my-custom-model", ChatTask, false, "my-custom-model-1", false),
    ];

    public static DatabricksEndpoint? Find(string? name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>The endpoint as <c>GET /api/2.0/serving-endpoints</c> lists it.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["creator"] = "emulator@example.com",
            ["creation_timestamp"] = 1730000000000,
            ["last_updated_timestamp"] = 1730000000000,
            ["state"] = new JsonObject
            {
                ["ready"] = Ready ? "READY" : "NOT_READY",
                ["config_update"] = "NOT_UPDATING",
            },
            ["config"] = new JsonObject
            {
                ["served_entities"] = new JsonArray { new JsonObject { ["name"] = ServedModel, ["entity_name"] = ServedModel } },
            },
            ["id"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Name)))[..32],
            ["permission_level"] = "CAN_QUERY",
            ["route_optimized"] = false,
            ["task"] = Task,
        };
        if (FoundationModel)
        {
            json["endpoint_type"] = "FOUNDATION_MODEL_API";
        }

        return json;
    }
}
