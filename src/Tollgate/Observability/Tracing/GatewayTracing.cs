using System.Diagnostics;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Observability.RequestLogs;

namespace Tollgate.Observability.Tracing;

/// <summary>
/// Tollgate's spans, on the <see cref="ActivitySource"/> named <see cref="SourceName"/>:
/// <code>
///   POST /v1/chat/completions          server span (ASP.NET Core instrumentation) + request attributes from Complete
///   ├─ tollgate.authenticate           internal
///   ├─ tollgate.route                  internal, per candidate model
///   ├─ tollgate.admit                  internal, per candidate: limits and budget reservation
///   └─ chat {model}                    client span per upstream attempt (GenAI conventions; Pipeline's AttemptTracing)
///      └─ POST                         HttpClient span of the upstream call
/// </code>
/// Without a listener (no tracer provider: the default) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null and every method here returns at once, allocating nothing.
/// </summary>
internal static class GatewayTracing
{
    public const string SourceName = "Tollgate";

    public const string AuthenticateStage = "tollgate.authenticate";
    public const string RouteStage = "tollgate.route";
    public const string AdmitStage = "tollgate.admit";

    public static readonly ActivitySource Source = new(SourceName, typeof(GatewayTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts an internal span for a gateway stage; dispose it (or call <see cref="EndStage"/>) when the stage ends.</summary>
    public static Activity? StartStage(string name) => Source.StartActivity(name, ActivityKind.Internal);

    /// <summary>Ends a stage span, marking it failed when the stage refused the request.</summary>
    public static void EndStage(Activity? activity, GatewayError? error)
    {
        if (activity is null)
        {
            return;
        }

        if (error is not null)
        {
            SetError(activity, error);
        }

        activity.Dispose();
    }

    /// <summary>Puts the request-level outcome on the server span of the request, when there is one being recorded.</summary>
    public static void Complete(Activity? activity, RequestLogEntry entry)
    {
        if (activity is null || !activity.IsAllDataRequested)
        {
            return;
        }

        activity.SetTag(GenAiAttributes.TollgateRequestId, entry.Id);
        activity.SetTag(GenAiAttributes.TollgateEndpoint, entry.Endpoint);
        SetIfPresent(activity, GenAiAttributes.TollgateVirtualKeyId, entry.VirtualKeyId);
        SetIfPresent(activity, GenAiAttributes.TollgateVirtualKeyName, entry.VirtualKeyName);
        SetIfPresent(activity, GenAiAttributes.TollgateTeamId, entry.TeamId);
        SetIfPresent(activity, GenAiAttributes.TollgateCustomerId, entry.CustomerId);
        SetIfPresent(activity, GenAiAttributes.TollgateProvider, entry.Provider);
        SetIfPresent(activity, GenAiAttributes.TollgateModel, entry.Model);
        activity.SetTag(GenAiAttributes.TollgateStatus, entry.Status);
        activity.SetTag(GenAiAttributes.TollgateAttempts, entry.Attempts);
        activity.SetTag(GenAiAttributes.TollgateFallbacks, entry.Fallbacks);
        activity.SetTag(GenAiAttributes.TollgateInputTokens, entry.PromptTokens);
        activity.SetTag(GenAiAttributes.TollgateOutputTokens, entry.CompletionTokens);
        if (entry.CostUsd is { } cost)
        {
            activity.SetTag(GenAiAttributes.TollgateCostUsd, (double)cost);
        }

        if (entry.ErrorType is not null)
        {
            activity.SetTag(GenAiAttributes.ErrorType, entry.ErrorCode ?? entry.ErrorType);
            if (entry.Status >= 500)
            {
                // Server spans mark only 5xx as errors (HTTP conventions); a 4xx is the client's doing.
                activity.SetStatus(ActivityStatusCode.Error, entry.ErrorMessage);
            }
        }
    }

    public static string OperationName(InferenceOperation operation) => operation switch
    {
        InferenceOperation.Completions => GenAiAttributes.OperationTextCompletion,
        InferenceOperation.Embeddings => GenAiAttributes.OperationEmbeddings,
        _ => GenAiAttributes.OperationChat,
    };

    /// <summary>The well-known <c>gen_ai.provider.name</c> values where the conventions define one; the provider type otherwise.</summary>
    public static string ProviderName(ProviderKind kind, string typeName) => kind switch
    {
        ProviderKind.OpenAI => "openai",
        ProviderKind.Azure => "azure.ai.openai",
        ProviderKind.Anthropic => "anthropic",
        ProviderKind.Groq => "groq",
        ProviderKind.Mistral => "mistral_ai",
        ProviderKind.DeepSeek => "deepseek",
        ProviderKind.XAI => "x_ai",
        ProviderKind.Perplexity => "perplexity",
        _ => typeName,
    };

    public static void SetError(Activity activity, GatewayError error)
    {
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag(GenAiAttributes.ErrorType, error.Code ?? error.Type);
        activity.SetTag(GenAiAttributes.TollgateStatus, error.Status);
    }

    private static void SetIfPresent(Activity activity, string name, string? value)
    {
        if (value is not null)
        {
            activity.SetTag(name, value);
        }
    }
}
