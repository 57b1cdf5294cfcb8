using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Operations.Alerts;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, Converters = [typeof(UtcTimeJsonConverter)])]
[JsonSerializable(typeof(AlertsView))]
[JsonSerializable(typeof(AlertHistoryView))]
[JsonSerializable(typeof(AlertTestView))]
internal sealed partial class AlertsJsonContext : JsonSerializerContext
{
    public static AlertsJsonContext Output { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new UtcTimeJsonConverter() },
    });
}
