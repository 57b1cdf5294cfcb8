using System.Text.Json;
using Tollgate.Governance.Counters;
using Tollgate.Governance.Limits;
using Tollgate.Governance.Model;
using Tollgate.Governance.Pricing;
using Tollgate.Inference;

namespace Tollgate.Governance;

/// <summary>
/// Databricks-style model limits (queries per second and hour, input and output tokens per minute, embedding inputs per
/// second) for one attempt, checked once its provider key is chosen: in memory on one node, as one batch on the shared
/// counters in cluster mode. All matching limits are taken or none.
/// </summary>
internal sealed class ModelLimitGate(
    GovernanceRegistry registry, IGovernanceCounters counters, TokenEstimator estimator, TimeProvider time, SharedGovernance? shared)
{
    private readonly GovernanceRegistry _registry = registry;
    private readonly IGovernanceCounters _counters = counters;
    private readonly TokenEstimator _estimator = estimator;
    private readonly TimeProvider _time = time;
    private readonly SharedGovernance? _shared = shared;

    /// <summary>
    /// Databricks-style model limits for one attempt, once its provider key is chosen. The outcome's denial is null when
    /// the attempt may go; otherwise it is the 429, with <see cref="ModelLimitOutcome.KeyScoped"/> true when another
    /// provider key could still pass. What was taken is appended to <paramref name="takes"/> (created when null).
    /// </summary>
    public ValueTask<ModelLimitOutcome> TakeAsync(in MeteredCall call, string? providerKey, int estimatedInputTokens, List<ModelLimitTake>? takes) =>
        _shared is null || !_registry.Current.ModelLimitsByProvider.ContainsKey(call.ProviderName)
            ? ValueTask.FromResult(Take(call, providerKey, estimatedInputTokens, takes))
            : TakeSharedAsync(call, providerKey, estimatedInputTokens, takes, _shared);

    /// <summary>Cluster mode: every matching model limit of the attempt in one batch, all or none (as in memory).</summary>
    private async ValueTask<ModelLimitOutcome> TakeSharedAsync(
        MeteredCall call, string? providerKey, int estimatedInputTokens, List<ModelLimitTake>? takes, SharedGovernance shared)
    {
        var ops = new List<CounterOp>();
        var meta = new List<(ModelLimit Limit, string Unit, string Target)>();
        foreach (var limit in _registry.Current.ModelLimitsByProvider[call.ProviderName])
        {
            if (!Glob.Matches(limit.Model, call.Model) || (limit.Key is not null && limit.Key != providerKey))
            {
                continue;
            }

            var scope = limit.Key is null ? $"ml:{limit.Id}:{call.Model}" : $"ml:{limit.Id}:{call.Model}:{limit.Key}";
            var target = limit.Key is null ? $"{call.ProviderName}/{call.Model}" : $"{call.ProviderName}/{call.Model} with key '{limit.Key}'";
            Add(limit.QueriesPerSecond, CounterOpKind.Take, ":qps", 1_000, 1, "queries per second");
            Add(limit.QueriesPerHour, CounterOpKind.Take, ":qph", 3_600_000, 1, "queries per hour");
            if (call.Operation == MeteredOperation.Embeddings)
            {
                Add(limit.EmbeddingInputsPerSecond, CounterOpKind.Take, ":eips", 1_000, CountEmbeddingInputs(call.Body.Span), "embedding inputs per second");
            }

            if (limit.InputTokensPerMinute is not null && estimatedInputTokens == 0)
            {
                estimatedInputTokens = _estimator.EstimateInput(call);
            }

            Add(limit.InputTokensPerMinute, CounterOpKind.Take, ":itpm", 60_000, estimatedInputTokens, "input tokens per minute");
            Add(limit.OutputTokensPerMinute, CounterOpKind.Peek, ":otpm", 60_000, 1, "output tokens per minute");

            void Add(long? max, CounterOpKind kind, string suffix, long windowMs, long amount, string unit)
            {
                if (max is { } value)
                {
                    ops.Add(new CounterOp(kind, scope + suffix, value, windowMs, amount));
                    meta.Add((limit, unit, target));
                }
            }
        }

        if (ops.Count == 0)
        {
            return new ModelLimitOutcome(null, false, estimatedInputTokens, takes);
        }

        CounterBatchResult result;
        try
        {
            result = await shared.TakeAsync(ops, _time.GetUtcNow()).ConfigureAwait(false);
        }
        catch (CountersUnavailableException ex)
        {
            return new ModelLimitOutcome(GovernanceDenials.Unavailable(ex), false, estimatedInputTokens, takes);
        }

        if (result.Denied >= 0)
        {
            var (limit, unit, target) = meta[result.Denied];
            return new ModelLimitOutcome(ModelLimitDenied(limit, result.Decisions[result.Denied], unit, target), limit.Key is not null, estimatedInputTokens, takes);
        }

        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            if (op.Key.EndsWith(":itpm", StringComparison.Ordinal) || op.Key.EndsWith(":otpm", StringComparison.Ordinal))
            {
                var output = op.Kind == CounterOpKind.Peek;
                (takes ??= []).Add(new ModelLimitTake(null, output, output ? 0 : op.C, op.Key, op.A, op.B, result.Local));
            }
        }

        return new ModelLimitOutcome(null, false, estimatedInputTokens, takes);
    }

    private static GovernanceDenial ModelLimitDenied(ModelLimit limit, RateLimitDecision decision, string unit, string target) =>
        new(GovernanceDenialKind.RateLimited,
            decision.ExceedsCapacity
                ? $"This request needs more than the model limit '{limit.Id}' allows ({decision.Limit} {unit}) for {target}."
                : $"Model limit '{limit.Id}' reached: {decision.Limit} {unit} for {target}; retry in {decision.RetryAfter.TotalSeconds:0.###} s.",
            "model_rate_limit_exceeded")
        {
            RetryAfterSeconds = decision.ExceedsCapacity ? null : Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds)),
        };

    private ModelLimitOutcome Take(in MeteredCall call, string? providerKey, int estimatedInputTokens, List<ModelLimitTake>? takes)
    {
        if (!_registry.Current.ModelLimitsByProvider.TryGetValue(call.ProviderName, out var limits))
        {
            return new ModelLimitOutcome(null, false, estimatedInputTokens, takes);
        }

        var now = _time.GetUtcNow();
        var taken = new List<(TokenBucket Bucket, long Amount)>();
        foreach (var limit in limits)
        {
            if (!Glob.Matches(limit.Model, call.Model) || (limit.Key is not null && limit.Key != providerKey))
            {
                continue;
            }

            var scope = limit.Key is null ? $"ml:{limit.Id}:{call.Model}" : $"ml:{limit.Id}:{call.Model}:{limit.Key}";
            var target = limit.Key is null ? $"{call.ProviderName}/{call.Model}" : $"{call.ProviderName}/{call.Model} with key '{limit.Key}'";
            var denial = Take(limit.QueriesPerSecond, TimeSpan.FromSeconds(1), "qps", 1, "queries per second")
                ?? Take(limit.QueriesPerHour, TimeSpan.FromHours(1), "qph", 1, "queries per hour")
                ?? (call.Operation == MeteredOperation.Embeddings
                    ? Take(limit.EmbeddingInputsPerSecond, TimeSpan.FromSeconds(1), "eips", CountEmbeddingInputs(call.Body.Span), "embedding inputs per second")
                    : null)
                ?? TakeInput(call)
                ?? TakeOutput();
            if (denial is not null)
            {
                foreach (var (bucket, amount) in taken)
                {
                    bucket.Adjust(-amount, now);
                }

                return new ModelLimitOutcome(denial, limit.Key is not null, estimatedInputTokens, takes);
            }

            GovernanceDenial? TakeInput(in MeteredCall call)
            {
                if (limit.InputTokensPerMinute is not { } tpm)
                {
                    return null;
                }

                if (estimatedInputTokens == 0)
                {
                    estimatedInputTokens = _estimator.EstimateInput(call);
                }

                var bucket = _counters.GetRateLimit(scope + ":itpm", new RateLimitDefinition(tpm, TimeSpan.FromMinutes(1)));
                var denial = Decide(bucket, estimatedInputTokens, "input tokens per minute");
                if (denial is null)
                {
                    (takes ??= []).Add(new ModelLimitTake(bucket, Output: false, estimatedInputTokens));
                }

                return denial;
            }

            GovernanceDenial? TakeOutput()
            {
                if (limit.OutputTokensPerMinute is not { } tpm)
                {
                    return null;
                }

                // Output is unknown until the answer: admit while the bucket is not in debt, charge the real count after.
                var bucket = _counters.GetRateLimit(scope + ":otpm", new RateLimitDefinition(tpm, TimeSpan.FromMinutes(1)));
                var denial = Decide(bucket, 1, "output tokens per minute");
                if (denial is null)
                {
                    bucket.Adjust(-1, now);
                    (takes ??= []).Add(new ModelLimitTake(bucket, Output: true, 0));
                }

                return denial;
            }

            GovernanceDenial? Take(long? max, TimeSpan window, string suffix, long amount, string unit)
            {
                if (max is not { } limitValue)
                {
                    return null;
                }

                var bucket = _counters.GetRateLimit($"{scope}:{suffix}", new RateLimitDefinition(limitValue, window));
                return Decide(bucket, amount, unit);
            }

            GovernanceDenial? Decide(TokenBucket bucket, long amount, string unit)
            {
                var decision = bucket.TryTake(amount, now);
                if (decision.Allowed)
                {
                    taken.Add((bucket, amount));
                    return null;
                }

                return ModelLimitDenied(limit, decision, unit, target);
            }
        }

        return new ModelLimitOutcome(null, false, estimatedInputTokens, takes);
    }

    /// <summary>Number of inputs of an embeddings request: an array's length, or 1 for a single string.</summary>
    private static int CountEmbeddingInputs(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 1;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isInput = reader.ValueTextEquals("input"u8);
                reader.Read();
                if (!isInput)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return 1;
                }

                var count = 0;
                reader.Read();
                var first = reader.TokenType;
                if (first is JsonTokenType.Number)
                {
                    return 1;  // one input given as token ids
                }

                while (reader.TokenType != JsonTokenType.EndArray)
                {
                    count++;
                    reader.Skip();
                    reader.Read();
                }

                return Math.Max(count, 1);
            }
        }
        catch (JsonException)
        {
        }

        return 1;
    }
}
