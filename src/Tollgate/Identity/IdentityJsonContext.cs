using System.Text.Json.Serialization;

namespace Tollgate.Identity;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Dictionary<string, string?>))]
[JsonSerializable(typeof(SsoInfo))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
