using System.Text.Json.Serialization;

namespace Tollgate.Secrets;

/// <summary>Source-generated JSON for the vault status views (snake_case, like the rest of the API).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VaultStatusList))]
internal sealed partial class SecretsJsonContext : JsonSerializerContext;
