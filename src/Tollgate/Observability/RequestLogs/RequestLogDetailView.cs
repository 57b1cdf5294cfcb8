using System.Diagnostics.CodeAnalysis;

namespace Tollgate.Observability.RequestLogs;

/// <summary>One entry with its content (<c>GET /api/logs/{id}</c>); the bodies are null when they were not logged.</summary>
internal sealed record RequestLogDetailView : RequestLogView
{
    [SetsRequiredMembers]
    private RequestLogDetailView(RequestLogView view)
        : base(view)
    {
    }

    public string? RequestBody { get; init; }

    public string? ResponseBody { get; init; }

    public static new RequestLogDetailView From(RequestLogEntry entry) => new(RequestLogView.From(entry))
    {
        RequestBody = entry.RequestBody,
        ResponseBody = entry.ResponseBody,
    };
}
