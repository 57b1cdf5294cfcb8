namespace Tollgate.Observability.RequestLogs;

/// <summary>Told about every finished inference request (request log, metrics, traces). Must be quick and never throw:
/// it runs on the request's own task, after the client has its answer.</summary>
public interface IRequestObserver
{
    void OnCompleted(RequestLogEntry entry);
}
