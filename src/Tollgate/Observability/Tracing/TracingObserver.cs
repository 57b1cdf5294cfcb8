using System.Diagnostics;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Observability.Tracing;

/// <summary>Puts each request's outcome on its server span. Registered only when tracing is on.</summary>
internal sealed class TracingObserver : IRequestObserver
{
    // Observers run on the request's own flow after every stage span has ended, so the current activity is the server span.
    public void OnCompleted(RequestLogEntry entry) => GatewayTracing.Complete(Activity.Current, entry);
}
