using System.Text.Json.Serialization;

namespace Tollgate.Cluster;

/// <summary>Source-generated JSON for the cluster endpoints (snake_case, like the rest of the API).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClusterView))]
[JsonSerializable(typeof(ReadyStatus))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
