using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tollgate.Inference;

namespace Tollgate.Api;

/// <summary>
/// JSON settings for what the gateway writes. The default encoder escapes characters like <c>'</c> and <c>+</c> for
/// HTML safety, which API responses do not need and which makes messages unreadable (<c>\u0027</c>).
/// </summary>
internal static class JsonOutput
{
    public static JsonWriterOptions WriterOptions => JsonWire.WriterOptions;

    public static readonly ApiJsonContext Context = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}
