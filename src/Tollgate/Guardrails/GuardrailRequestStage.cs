using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Configuration;
using Tollgate.Guardrails.Detection;
using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Guardrails;

/// <summary>What the input stage leaves for the answer stage of the same request (<see cref="GuardrailScopes.States"/>).</summary>
internal sealed class GuardrailRequestState
{
    public required GuardrailsConfig Config { get; init; }

    public Masker Masker { get; } = new();

    public string? KeyId { get; init; }

    public List<GuardrailFiring> Firings { get; } = [];
}

/// <summary>
/// Guardrails on input: runs the gateway's rules, then the virtual key's and its team's, over the request text in the
/// pipeline's (OpenAI) dialect. A block answers 400 <c>guardrail_violation</c> naming the rule; a mask rewrites the body
/// (and the logged copy) with typed placeholders; a log only records.
/// </summary>
internal sealed class GuardrailRequestStage(GatewayConfigMonitor config, GuardrailScopes scopes, GuardrailMetrics metrics) : IRequestStage
{
    public async ValueTask<GatewayError?> OnRequestAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var rules = scopes.For(config.Current.Guardrails, request.VirtualKey);
        if (rules.IsEmpty)
        {
            // Kestrel reuses HttpContext objects across requests of a connection: drop a previous request's state, but
            // only look (lock-free) on the common path where there is none, since Remove takes the table's lock.
            if (scopes.States.TryGetValue(request.Http, out _))
            {
                scopes.States.Remove(request.Http);
            }

            return null;
        }

        var state = new GuardrailRequestState { Config = rules, KeyId = request.VirtualKey?.Id };
        scopes.States.AddOrUpdate(request.Http, state);
        if (!rules.HasInput || request.Body.IsEmpty)
        {
            return null;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(request.Body.Span);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root is null)
        {
            return null;
        }

        var strings = new List<(JsonNode Parent, object Key, string Text)>();
        GuardrailText.RequestStrings(root, strings);
        var scope = new GuardrailScope(request.Sniff.Model, null, state.KeyId);
        var changed = false;
        GatewayError? blocked = null;
        foreach (var (parent, key, text) in strings)
        {
            var result = await GuardrailEngine.EvaluateAsync(rules, text, GuardrailDirection.Input, scope, state.Masker, cancellationToken).ConfigureAwait(false);
            state.Firings.AddRange(result.Firings);
            if (result.BlockedBy is { } rule)
            {
                blocked = Violation(rule.Options.Id, GuardrailDirection.Input);
                break;
            }

            if (!ReferenceEquals(result.Text, text))
            {
                GuardrailText.Replace(parent, key, result.Text);
                changed = true;
            }
        }

        metrics.Record(state.Firings);
        if (blocked is not null)
        {
            // The log keeps no prompt for a blocked request: it held what the rule refused.
            request.LoggedBody = string.Empty;
            return blocked;
        }

        if (changed)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(root, GuardrailNodeContext.Default.JsonNode);
            request.RewrittenBody = bytes;
            request.LoggedBody = System.Text.Encoding.UTF8.GetString(bytes);
        }

        return null;
    }

    public static GatewayError Violation(string ruleId, GuardrailDirection direction) =>
        GatewayError.BadRequest(
            $"The {(direction == GuardrailDirection.Input ? "request" : "answer")} was blocked by guardrail rule '{ruleId}'.",
            param: ruleId,
            code: "guardrail_violation");
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
internal sealed partial class GuardrailNodeContext : System.Text.Json.Serialization.JsonSerializerContext;
