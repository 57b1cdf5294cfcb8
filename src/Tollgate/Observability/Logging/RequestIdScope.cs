using System.Collections;

namespace Tollgate.Observability.Logging;

/// <summary>
/// The logging scope of one request: <c>RequestId</c> = the <c>x-request-id</c> the client gets back. The JSON console
/// formatter writes it under <c>Scopes</c> of every line logged while the request runs.
/// </summary>
internal sealed class RequestIdScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string Key = "RequestId";

    public string RequestId { get; } = requestId;

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] => index == 0
        ? new KeyValuePair<string, object?>(Key, RequestId)
        : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{Key}:{RequestId}";
}
