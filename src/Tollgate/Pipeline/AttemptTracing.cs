using System.Diagnostics;
using Tollgate.Inference;
using Tollgate.Observability.Tracing;

namespace Tollgate.Pipeline;

/// <summary>
/// The GenAI client span of each upstream attempt, on <see cref="GatewayTracing.Source"/>. It reads the call, so it
/// lives with the pipeline; tracing itself knows only the source, the stage spans and the attribute names.
/// </summary>
internal static class AttemptTracing
{
    /// <summary>
    /// Starts the GenAI client span of one upstream attempt, once the call's key is chosen. It becomes
    /// <see cref="Activity.Current"/>, so the HttpClient span of the upstream request is its child.
    /// </summary>
    public static Activity? StartAttempt(InferenceCall call)
    {
        // The name is fixed at start (what samplers see) and refined below only when a span was actually created.
        var activity = GatewayTracing.Source.StartActivity(GenAiAttributes.OperationChat, ActivityKind.Client);
        if (activity is null)
        {
            return null;
        }

        var operation = GatewayTracing.OperationName(call.Operation);
        activity.DisplayName = string.Concat(operation, " ", call.Model);
        if (!activity.IsAllDataRequested)
        {
            return activity;
        }

        var providerName = GatewayTracing.ProviderName(call.Provider.Traits.Kind, call.Provider.Traits.TypeName);
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
                GatewayTracing.SetError(activity, error);
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
}
