namespace Tollgate.Pipeline;

/// <summary>
/// Where a request came in: the dialect to answer in, the provider a bare model name means on a drop-in path
/// (<c>/openai</c>, <c>/anthropic</c>, <c>/databricks</c>), and a model named by the URL instead of the body.
/// </summary>
internal sealed record EntryPoint(ClientDialect Dialect, string? NativeProvider, string? PathModel = null)
{
    /// <summary>
    /// The UI playground (<c>/api/playground</c>): an admin session, not a virtual key, authorises the call, so a key is
    /// optional even when <c>enforce_auth_on_inference</c> is on; one given in <c>x-tollgate-vk</c> still applies in full.
    /// </summary>
    public bool Playground { get; init; }

    public static readonly EntryPoint PlaygroundChat = new(ClientDialect.OpenAI, null) { Playground = true };

    public static readonly EntryPoint OpenAI = new(ClientDialect.OpenAI, null);

    public static readonly EntryPoint OpenAIDropIn = new(ClientDialect.OpenAI, "openai");

    public static readonly EntryPoint Anthropic = new(ClientDialect.Anthropic, "anthropic");

    public static readonly EntryPoint Databricks = new(ClientDialect.OpenAI, "databricks");

    public static readonly EntryPoint Responses = new(ClientDialect.Responses, null);

    public static readonly EntryPoint ResponsesDropIn = new(ClientDialect.Responses, "openai");

    /// <summary>Databricks <c>/serving-endpoints/{name}/invocations</c>: the endpoint is the model, the body says the task.</summary>
    public static EntryPoint DatabricksEndpoint(string endpoint) => new(ClientDialect.OpenAI, "databricks", endpoint);
}
