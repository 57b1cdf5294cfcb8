using Tollgate.Observability;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Pipeline;

/// <summary>
/// The pipeline's one exit for what a request did: builds its <see cref="RequestLogEntry"/> once and hands it to every
/// observer (request log, metrics, traces). With no observer registered, no entry is built.
/// </summary>
internal sealed class RequestTelemetry(IEnumerable<IRequestObserver> observers, ILogger<RequestTelemetry> logger)
{
    private readonly IRequestObserver[] _observers = observers.ToArray();

    public void Complete(RequestRecord record)
    {
        if (_observers.Length == 0)
        {
            return;
        }

        RequestLogEntry entry;
        try
        {
            entry = record.ToEntry();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // A request torn down under us (connection reset mid-way) may no longer answer questions about itself.
            GatewayLog.RequestNotRecorded(logger, record.RequestId, ex);
            return;
        }

        foreach (var observer in _observers)
        {
            try
            {
                observer.OnCompleted(entry);
            }
#pragma warning disable CA1031 // One observer's bug must neither fail the request nor starve the others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                GatewayLog.ObserverFailed(logger, observer.GetType().Name, record.RequestId, ex);
            }
        }
    }
}
