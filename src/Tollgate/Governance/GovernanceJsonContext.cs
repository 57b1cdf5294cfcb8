using System.Text.Json.Serialization;
using Tollgate.Governance.Model;

namespace Tollgate.Governance;

/// <summary>How governance entities are stored in the SQLite store (snake_case JSON, source-generated).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Customer))]
[JsonSerializable(typeof(Team))]
[JsonSerializable(typeof(Budget))]
[JsonSerializable(typeof(RateLimit))]
[JsonSerializable(typeof(VirtualKey))]
[JsonSerializable(typeof(ModelLimit))]
internal sealed partial class GovernanceJsonContext : JsonSerializerContext;
