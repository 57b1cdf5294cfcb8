using System.Text.Json.Serialization;

namespace Tollgate.Api;

/// <summary>Source-generated JSON for the gateway's own API types (snake_case, like the config file).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthStatus))]
[JsonSerializable(typeof(ReadyStatus))]
[JsonSerializable(typeof(ProviderView))]
[JsonSerializable(typeof(ProviderList))]
[JsonSerializable(typeof(ModelEntryView[]))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
