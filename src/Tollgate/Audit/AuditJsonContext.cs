using System.Text.Json.Serialization;

namespace Tollgate.Audit;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditPage))]
[JsonSerializable(typeof(AuditEntryView))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(string))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
