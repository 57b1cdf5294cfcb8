using System.Diagnostics;
using Tollgate.Configuration;
using Tollgate.Inference;
using Tollgate.Observability.RequestLogs;
using Tollgate.Pipeline;

namespace Tollgate.Observability.Tracing;

/// <summary>
/// Tollgate's spans, on the <see cref="ActivitySource"/> named <see cref="SourceName"/>:
/// <code>
///   POST /v1/chat/completions          server span (ASP.NET Core instrumentation) + request attributes from Complete
///   ├─ tollgate.authenticate           internal
///   ├─ tollgate.route                  internal, per candidate model
///   ├─ tollgate.admit                  internal, per candidate: limits and budget reservation
///   └─ chat {model}                    client span per upstream attempt (GenAI semantic conventions)
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

    /// <summary>
    /// Starts the GenAI client span of one upstream attempt, once the call's key is chosen. It becomes
    /// <see cref="Activity.Current"/>, so the HttpClient span of the upstream request is its child.
    /// </summary>
    public static Activity? StartAttempt(InferenceCall call)
    {
        // The name is fixed at start (what samplers see) and refined below only when a span was actually created.
        var activity = Source.StartActivity(GenAiAttributes.OperationChat, ActivityKind.Client);
        if (activity is null)
        {
            return null;
        }

        var operation = OperationName(call.Operation);
        activity.DisplayName = string.Concat(operation, " ", call.Model);
        if (!activity.IsAllDataRequested)
        {
            return activity;
        }

        var providerName = ProviderName(call.Provider.Traits.Kind, call.Provider.Traits.TypeName);
        activity.SetTag(GenAiAttributes.OperationName, operation);
        activity.SetTag(GenAiAttributes.ProviderName, providerName);
        activity.SetTag(GenAiAttributes.System, providerName);
        activity.SetTag(GenAiAttributes.RequestModel, call.Model);
        if (call.Sniff.MaxTokens is { } maxTokens)
        {
            activity.SetTag(GenAiAttributes.RequestMaxTokens, maxTokens);
        }

        activity.SetTag(GenAiAttributes.TollgateProvider, call.Provider.Name);
        activity.SetTag(GenAiAttributes.TollgateAttempt, call.Attempts);
        if (call.Sniff.Stream)
        {
            activity.SetTag(GenAiAttributes.TollgateStream, true);
        }

        if (call.Key is { } key)
        {
            activity.SetTag(GenAiAttributes.TollgateKey, key.Name);
        }

        try
        {
            var uri = call.Client.BuildUri(call, call.Key);
            activity.SetTag(GenAiAttributes.ServerAddress, uri.Host);
            activity.SetTag(GenAiAttributes.ServerPort, uri.Port);
        }
        catch (Exception ex) when (ex is UriFormatException or InvalidOperationException or ArgumentException)
        {
            // The attempt itself reports a bad URL; the span just goes without an address.
        }

        return activity;
    }

    /// <summary>Ends an attempt span with the usage the upstream reported, or the error the attempt ended with.</summary>
    public static void EndAttempt(Activity? activity, InferenceCall call, GatewayError? error)
    {
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            if (error is not null)
            {
                SetError(activity, error);
            }
            else if (call.Succeeded)
            {
                // No gen_ai.response.model: the upstream's answer is relayed without reading its model field.
                activity.SetTag(GenAiAttributes.UsageInputTokens, call.Usage.PromptTokens);
                activity.SetTag(GenAiAttributes.UsageOutputTokens, call.Usage.CompletionTokens);
                if (call.UsageEstimated)
                {
                    activity.SetTag(GenAiAttributes.TollgateEstimated, true);
                }
            }
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

    private static void SetError(Activity activity, GatewayError error)
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
