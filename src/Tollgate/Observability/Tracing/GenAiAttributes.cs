namespace Tollgate.Observability.Tracing;

/// <summary>
/// Attribute names of the OpenTelemetry GenAI semantic conventions (gen-ai-spans.md) and the few general ones a GenAI
/// client span carries, plus Tollgate's own <c>tollgate.*</c> attributes.
/// </summary>
internal static class GenAiAttributes
{
    public const string OperationName = "gen_ai.operation.name";

    /// <summary>Current name of the provider attribute (semantic conventions 1.37 and later).</summary>
    public const string ProviderName = "gen_ai.provider.name";

    /// <summary>What <see cref="ProviderName"/> was called before 1.37; backends built on older conventions still group by it.</summary>
    public const string System = "gen_ai.system";

    public const string RequestModel = "gen_ai.request.model";
    public const string RequestMaxTokens = "gen_ai.request.max_tokens";
    public const string UsageInputTokens = "gen_ai.usage.input_tokens";
    public const string UsageOutputTokens = "gen_ai.usage.output_tokens";
    public const string ErrorType = "error.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";

    public const string OperationChat = "chat";
    public const string OperationTextCompletion = "text_completion";
    public const string OperationEmbeddings = "embeddings";

    public const string TollgateRequestId = "tollgate.request_id";
    public const string TollgateProvider = "tollgate.provider";
    public const string TollgateModel = "tollgate.model";
    public const string TollgateKey = "tollgate.key";
    public const string TollgateAttempt = "tollgate.attempt";
    public const string TollgateStream = "tollgate.stream";
    public const string TollgateEndpoint = "tollgate.endpoint";
    public const string TollgateVirtualKeyId = "tollgate.virtual_key.id";
    public const string TollgateVirtualKeyName = "tollgate.virtual_key.name";
    public const string TollgateTeamId = "tollgate.team.id";
    public const string TollgateCustomerId = "tollgate.customer.id";
    public const string TollgateStatus = "tollgate.status";
    public const string TollgateCostUsd = "tollgate.cost_usd";
    public const string TollgateAttempts = "tollgate.attempts";
    public const string TollgateFallbacks = "tollgate.fallbacks";
    public const string TollgateInputTokens = "tollgate.usage.input_tokens";
    public const string TollgateOutputTokens = "tollgate.usage.output_tokens";
    public const string TollgateEstimated = "tollgate.usage.estimated";
}
