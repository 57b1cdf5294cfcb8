using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Operations.Exports;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, Converters = [typeof(UtcTimeJsonConverter)])]
[JsonSerializable(typeof(ExportsView))]
[JsonSerializable(typeof(ExportRunsView))]
internal sealed partial class ExportsJsonContext : JsonSerializerContext
{
    public static ExportsJsonContext Output { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new UtcTimeJsonConverter() },
    });
}
