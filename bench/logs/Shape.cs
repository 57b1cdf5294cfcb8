using Tollgate.Observability.RequestLogs;

namespace Tollgate.Bench.Logs;

internal sealed record Shape(string Name, RequestLogFilter Filter);
