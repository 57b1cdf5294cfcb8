namespace Tollgate.Tests.Observability;

/// <summary>A span as an OTLP collector received it (the fields the tests look at).</summary>
public sealed record CollectedSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    IReadOnlyDictionary<string, object?> Attributes,
    int StatusCode,
    string ScopeName,
    IReadOnlyDictionary<string, object?> Resource)
{
    public const int KindInternal = 1;
    public const int KindServer = 2;
    public const int KindClient = 3;
    public const int StatusError = 2;

    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);
}
