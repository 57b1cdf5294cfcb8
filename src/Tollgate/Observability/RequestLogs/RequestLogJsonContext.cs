using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tollgate.Observability.RequestLogs;

/// <summary>
/// Source-generated JSON for the request log API. Unlike <see cref="Api.ApiJsonContext"/> it writes nulls: a log row
/// has a fixed shape (<c>"cost_usd": null</c> means "no price", <c>"next_cursor": null</c> means "last page").
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, Converters = [typeof(UtcTimeJsonConverter)])]
[JsonSerializable(typeof(RequestLogPageView))]
[JsonSerializable(typeof(RequestLogDetailView))]
[JsonSerializable(typeof(RequestLogStats))]
internal sealed partial class RequestLogJsonContext : JsonSerializerContext
{
    /// <summary>With relaxed escaping, like <see cref="Api.JsonOutput"/>: messages stay readable (<c>'</c>, not <c>\u0027</c>).</summary>
    public static RequestLogJsonContext Output { get; } = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new UtcTimeJsonConverter() },
    });
}
