using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Governance.Model;
using Tollgate.Inference;
using Tollgate.Observability.Tracing;

namespace Tollgate.Pipeline;

/// <summary>
/// The pipeline's side of governance: reads the virtual key from the request headers, hands governance plain values,
/// writes its answers back onto the <see cref="InferenceCall"/> and the response (<c>x-ratelimit-*</c>), and maps its
/// denials to <see cref="GatewayError"/>s. Governance itself knows nothing of HTTP or of the pipeline.
/// </summary>
internal sealed class GovernanceStage(GovernanceService governance)
{
    public const string VirtualKeyHeader = "x-tollgate-vk";

    /// <summary>Finds the caller's virtual key from <c>x-tollgate-vk</c>, <c>Authorization: Bearer</c> or <c>x-api-key</c>.</summary>
    /// <param name="enforce">False for the UI playground: a key is optional there, and only <c>x-tollgate-vk</c> names one
    /// (its Authorization header carries the admin's credential, not a virtual key).</param>
    public GatewayError? Authenticate(HttpContext context, out VirtualKey? key, bool enforce = true)
    {
        key = null;
        var span = GatewayTracing.StartStage(GatewayTracing.AuthenticateStage);
        var headers = context.Request.Headers;
        var named = headers[VirtualKeyHeader].ToString();
        if (!enforce && named.Length == 0)
        {
            GatewayTracing.EndStage(span, null);
            return null;
        }

        var presented = named.Length > 0 ? named.AsSpan() : BearerOrApiKey(headers);
        var error = ToError(governance.Authenticate(presented, named.Length > 0, out key));
        GatewayTracing.EndStage(span, error);
        return error;
    }

    /// <summary>Admission for a routed call. Unless an error comes back, the ticket must be settled exactly once.</summary>
    public async ValueTask<(GatewayError? Error, GovernanceTicket Ticket)> AdmitAsync(InferenceCall call, VirtualKey? key)
    {
        var admission = await governance.AdmitAsync(Metered(call), key).ConfigureAwait(false);
        call.Price = admission.Price;
        RateLimitHeaders.Write(call.Http, admission.Requests, admission.Tokens);
        if (admission.Denial is { } denial)
        {
            return (ToError(denial), admission.Ticket);
        }

        call.EstimatedInputTokens = admission.EstimatedInputTokens;
        return (null, admission.Ticket);
    }

    /// <summary>
    /// Model limits for one attempt, once its provider key is chosen. Null when the attempt may go; otherwise the 429,
    /// with <paramref name="keyScoped"/> true when another provider key could still pass.
    /// </summary>
    public async ValueTask<(GatewayError? Error, bool KeyScoped)> TakeModelLimitsAsync(InferenceCall call, ProviderKeyConfig? providerKey)
    {
        var outcome = await governance.TakeModelLimitsAsync(Metered(call), providerKey?.Name, call.EstimatedInputTokens, call.ModelLimitTakes)
            .ConfigureAwait(false);
        call.EstimatedInputTokens = outcome.EstimatedInputTokens;
        call.ModelLimitTakes = outcome.Takes;
        return (ToError(outcome.Denial), outcome.KeyScoped);
    }

    /// <summary>Estimates a non-stream call's usage from its request and answer when the upstream reported none.</summary>
    public void EstimateMissingUsage(InferenceCall call, ReadOnlySpan<byte> responseBody)
    {
        call.Usage = governance.EstimateMissingUsage(Metered(call), call.EstimatedInputTokens, responseBody);
        call.UsageEstimated = true;
    }

    /// <summary>Replaces the reservation with the real cost, corrects token buckets and queues the usage record.</summary>
    public async ValueTask SettleAsync(GovernanceTicket ticket, InferenceCall call)
    {
        var settlement = await governance.SettleAsync(ticket, new SettlementRequest(
            Metered(call), call.RequestId, call.Key?.Name, call.Usage, call.UsageEstimated, call.Succeeded, call.Attempts,
            call.EstimatedInputTokens, call.StreamContentChunks, call.Price, call.ModelLimitTakes,
            call.Succeeded ? StatusCodes.Status200OK : call.Error?.Status ?? 499)).ConfigureAwait(false);
        call.Usage = settlement.Usage;
        call.UsageEstimated = settlement.UsageEstimated;
        call.CostNano = settlement.CostNano;
    }

    /// <summary>The error the client gets for a governance denial; statuses, types and codes are part of the API contract.</summary>
    public static GatewayError? ToError(GovernanceDenial? denial) => denial is null ? null : new GatewayError(
        StatusFor(denial.Kind), denial.Message, TypeFor(denial), denial.Code, denial.Param)
    {
        RetryAfterSeconds = denial.RetryAfterSeconds,
    };

    private static int StatusFor(GovernanceDenialKind kind) => kind switch
    {
        GovernanceDenialKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        GovernanceDenialKind.Forbidden => StatusCodes.Status403Forbidden,
        GovernanceDenialKind.RateLimited => StatusCodes.Status429TooManyRequests,
        GovernanceDenialKind.BudgetExceeded => StatusCodes.Status402PaymentRequired,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    // A budget refusal carries its code as its type too (clients match on either).
    private static string TypeFor(GovernanceDenial denial) => denial.Kind switch
    {
        GovernanceDenialKind.Unauthenticated => ErrorTypes.Authentication,
        GovernanceDenialKind.Forbidden => ErrorTypes.Permission,
        GovernanceDenialKind.RateLimited => ErrorTypes.RateLimit,
        GovernanceDenialKind.BudgetExceeded => "budget_exceeded",
        _ => ErrorTypes.Server,
    };

    private static MeteredCall Metered(InferenceCall call) => new(
        call.Provider.Name, call.Provider.Traits.TypeName, call.Model, MeteredOperationOf(call.Operation), call.Body, call.Sniff.MaxTokens);

    private static MeteredOperation MeteredOperationOf(InferenceOperation operation) => operation switch
    {
        InferenceOperation.Embeddings => MeteredOperation.Embeddings,
        InferenceOperation.Completions => MeteredOperation.Completions,
        _ => MeteredOperation.Chat,
    };

    private static ReadOnlySpan<char> BearerOrApiKey(IHeaderDictionary headers)
    {
        var authorization = headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization.AsSpan(7).Trim();
        }

        return headers["x-api-key"].ToString();
    }
}
