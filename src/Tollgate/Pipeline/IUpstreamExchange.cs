using Tollgate.Configuration;

namespace Tollgate.Pipeline;

/// <summary>
/// One request to the upstream with one key, and its answer relayed to the client (<see cref="UpstreamExchange"/>);
/// the seam the <see cref="AttemptLoop"/> is tested through without sockets.
/// </summary>
internal interface IUpstreamExchange
{
    Task<AttemptOutcome> SendAsync(InferenceCall call, ProviderKeyConfig? key, string? secret, ReadOnlyMemory<byte> upstreamBody);
}
