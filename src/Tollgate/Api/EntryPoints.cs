using Tollgate.Api.Dialects;
using Tollgate.Pipeline;

namespace Tollgate.Api;

/// <summary>The entry points the endpoints serve; each names its dialect once, and nothing downstream asks again.</summary>
internal sealed class EntryPoints(ResponsesDialect responses)
{
    public EntryPoint PlaygroundChat { get; } = new(OpenAIDialect.Instance, null) { Playground = true };

    public EntryPoint OpenAI { get; } = new(OpenAIDialect.Instance, null);

    /// <summary><c>/openai</c> is a drop-in path: a bare model name there means the openai provider (issue 6).</summary>
    public EntryPoint OpenAIDropIn { get; } = new(OpenAIDialect.Instance, "openai");

    public EntryPoint Anthropic { get; } = new(AnthropicDialect.Instance, "anthropic");

    public EntryPoint Databricks { get; } = new(OpenAIDialect.Instance, "databricks");

    public EntryPoint Responses { get; } = new(responses, null);

    public EntryPoint ResponsesDropIn { get; } = new(responses, "openai");

    /// <summary>Databricks <c>/serving-endpoints/{name}/invocations</c>: the endpoint is the model, the body says the task.</summary>
    public static EntryPoint DatabricksEndpoint(string endpoint) => new(OpenAIDialect.Instance, "databricks", endpoint);
}
