using Tollgate.Inference;

namespace Tollgate.Observability;

/// <summary>The id that ties a request's logs, spans, request-log row and <c>x-request-id</c> header together.</summary>
internal static class RequestIds
{
    public const string Header = "x-request-id";

    /// <summary>Keeps a client's <c>x-request-id</c> (trimmed to a sane length), else uses Kestrel's connection-unique id.</summary>
    public static string Ensure(HttpContext context)
    {
        var incoming = context.Request.Headers[Header].ToString();
        var id = incoming.Length is > 0 and <= 128 ? HeaderValues.Safe(incoming) : context.TraceIdentifier;
        context.Response.Headers[Header] = id;
        return id;
    }
}
