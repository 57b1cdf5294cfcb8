namespace Tollgate.Observability.RequestLogs;

internal enum RequestLogStatusFilter
{
    Any,

    /// <summary>Status below 400.</summary>
    Ok,

    /// <summary>Status 400 or above.</summary>
    Error,

    /// <summary>Exactly <see cref="RequestLogFilter.StatusCode"/>.</summary>
    Code,
}
