namespace Tollgate.Pipeline;

/// <summary>
/// Where a request came in: the dialect to answer in, the provider a bare model name means on a drop-in path
/// (<c>/openai</c>, <c>/anthropic</c>, <c>/databricks</c>), and a model named by the URL instead of the body.
/// </summary>
internal sealed record EntryPoint(IClientDialect Dialect, string? NativeProvider, string? PathModel = null)
{
    /// <summary>
    /// The UI playground (<c>/api/playground</c>): an admin session, not a virtual key, authorises the call, so a key is
    /// optional even when <c>enforce_auth_on_inference</c> is on; one given in <c>x-tollgate-vk</c> still applies in full.
    /// </summary>
    public bool Playground { get; init; }
}
