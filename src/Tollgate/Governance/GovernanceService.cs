using Tollgate.Configuration;
using Tollgate.Governance.Limits;
using Tollgate.Governance.Model;
using Tollgate.Governance.Pricing;
using Tollgate.Governance.Usage;
using Tollgate.Providers;
using Tollgate.Routing;

namespace Tollgate.Governance;

/// <summary>
/// The governance stages of the pipeline:
/// <code>
///   authenticate (headers only) → authorize provider/model → concurrency slot → rate limits (VK, team, customer)
///     → budget reservation of the worst case (VK, team, customer, all or none) → … upstream … →
///   settle: real cost replaces the reservation, token buckets corrected, usage record queued
/// </code>
/// Budgets are shared pools keyed by budget id; rate limits count per entity that names them.
/// </summary>
internal sealed class GovernanceService
{
    private readonly GovernanceRegistry _registry;
    private readonly IGovernanceCounters _counters;
    private readonly GatewayConfigMonitor _config;
    private readonly TokenEstimator _estimator;
    private readonly UsageWriter _usage;
    private readonly TimeProvider _time;
    private volatile PriceCatalog _prices;

    public GovernanceService(
        GovernanceRegistry registry,
        IGovernanceCounters counters,
        GatewayConfigMonitor config,
        TokenEstimator estimator,
        UsageWriter usage,
        TimeProvider time)
    {
        _registry = registry;
        _counters = counters;
        _config = config;
        _estimator = estimator;
        _usage = usage;
        _time = time;
        _prices = PriceCatalog.Shipped.WithOverrides(config.Current.Pricing);
        config.Changed += c => _prices = PriceCatalog.Shipped.WithOverrides(c.Pricing);
    }

    public PriceCatalog Prices => _prices;

    /// <summary>
    /// Finds the caller's virtual key from the credential the client presented (the endpoint layer reads it from
    /// <c>x-tollgate-vk</c>, else <c>Authorization: Bearer</c> or <c>x-api-key</c>).
    /// </summary>
    /// <param name="presented">The credential; empty when the client sent none.</param>
    /// <param name="named">True when it came from <c>x-tollgate-vk</c>, which can only hold a virtual key.</param>
    public GovernanceDenial? Authenticate(ReadOnlySpan<char> presented, bool named, out VirtualKey? key)
    {
        key = null;
        var enforce = _config.Current.Client.EnforceAuthOnInference;
        if (presented.IsEmpty)
        {
            return enforce ? Unauthorized("Missing virtual key: send it as 'Authorization: Bearer sk-tg-…', 'x-api-key' or 'x-tollgate-vk'.", "missing_api_key") : null;
        }

        // Without enforcement, a value that is not shaped like a virtual key is someone else's key (or a placeholder)
        // and is ignored; a virtual key that does not match is always an error.
        var looksVirtual = named || presented.StartsWith(VirtualKeyValues.Prefix, StringComparison.Ordinal);
        Span<char> hash = stackalloc char[VirtualKeyValues.HashChars];
        VirtualKeyValues.Hash(presented, hash);
        if (!_registry.Current.KeysByHashSpan.TryGetValue(hash, out var found))
        {
            return enforce || looksVirtual ? Unauthorized("Invalid virtual key.", "invalid_api_key") : null;
        }

        var now = _time.GetUtcNow();
        if (!found.IsActive)
        {
            return Unauthorized($"Virtual key '{found.Name}' is disabled.", "virtual_key_disabled");
        }

        if (found.ExpiresAt <= now)
        {
            return Unauthorized($"Virtual key '{found.Name}' expired at {found.ExpiresAt:O}.", "virtual_key_expired");
        }

        if (!found.KeyHash.AsSpan().SequenceEqual(hash) && found.PreviousKeyValidUntil <= now)
        {
            return Unauthorized("This virtual key was rotated and its grace period is over.", "virtual_key_rotated");
        }

        key = found;
        return null;
    }

    /// <summary>Admission for a routed call. Unless denied, the ticket must be settled exactly once.</summary>
    public ValueTask<Admission> AdmitAsync(in MeteredCall call, VirtualKey? key) => ValueTask.FromResult(Admit(call, key));

    private Admission Admit(in MeteredCall call, VirtualKey? key)
    {
        var snapshot = _registry.Current;
        var price = _prices.TryGet(call.ProviderName, call.ProviderType, call.Model, out var found) ? found : null;
        if (key is null)
        {
            return new Admission(null, GovernanceTicket.None, price, 0, null, null);
        }

        if (!IsAllowed(key, call.ProviderName, call.Model))
        {
            return Denied(new GovernanceDenial(GovernanceDenialKind.Forbidden,
                $"Virtual key '{key.Name}' may not use model '{call.ProviderName}/{call.Model}'.", "model_not_allowed", "model"));
        }

        var team = key.TeamId is not null && snapshot.Teams.TryGetValue(key.TeamId, out var t) ? t : null;
        var customerId = key.CustomerId ?? team?.CustomerId;
        var customer = customerId is not null && snapshot.Customers.TryGetValue(customerId, out var c) ? c : null;
        var now = _time.GetUtcNow();

        ConcurrencyGate? gate = null;
        if (key.MaxConcurrentRequests is { } max)
        {
            gate = _counters.GetConcurrencyGate("vk:" + key.Id, max);
            if (!gate.TryEnter())
            {
                return Denied(new GovernanceDenial(GovernanceDenialKind.RateLimited,
                    $"Virtual key '{key.Name}' already has {max} requests in flight.", "concurrency_limit_exceeded")
                {
                    RetryAfterSeconds = 1,
                });
            }
        }

        var limits = TakeRateLimits(call, snapshot, key, team, customer, now);
        if (limits.Denial is not null)
        {
            gate?.Exit();
            return new Admission(limits.Denial, GovernanceTicket.None, price, 0, limits.Requests, limits.Tokens);
        }

        var estimate = limits.Estimate;
        var ledgers = Ledgers(snapshot, key, team, customer);
        long reserved = 0;
        if (ledgers.Length > 0 && price is not null)
        {
            estimate ??= EstimateInput(call);
            reserved = CostCalculator.ToNanoUsd(CostCalculator.WorstCase(price, estimate.Value, call.MaxTokens), roundUp: true);
            if (!BudgetReservation.TryReserveAll(ledgers, reserved, now, out var denial))
            {
                ReturnTokens(limits.TokenBuckets, limits.TokensTaken, now);
                gate?.Exit();
                return Denied(BudgetExceeded(denial, now));
            }
        }

        var ticket = new GovernanceTicket
        {
            Key = key,
            TeamId = team?.Id,
            CustomerId = customer?.Id,
            Price = price,
            Ledgers = ledgers,
            ReservedNano = reserved,
            ReservedAt = now,
            TokenBuckets = limits.TokenBuckets,
            TokensTaken = limits.TokensTaken,
            EstimatedInputTokens = estimate ?? 0,
            Gate = gate,
        };
        return new Admission(null, ticket, price, estimate ?? 0, limits.Requests, limits.Tokens);

        Admission Denied(GovernanceDenial denial) => new(denial, GovernanceTicket.None, price, 0, null, null);
    }

    /// <summary>Estimates a non-stream call's usage from its request and answer when the upstream reported none.</summary>
    public TokenUsage EstimateMissingUsage(in MeteredCall call, int estimatedInputTokens, ReadOnlySpan<byte> responseBody)
    {
        var input = estimatedInputTokens > 0 ? estimatedInputTokens : EstimateInput(call);
        return new TokenUsage(input, _estimator.EstimateResponseOutput(responseBody));
    }

    /// <summary>Replaces the reservation with the real cost, corrects token buckets and queues the usage record.</summary>
    public async ValueTask<Settlement> SettleAsync(GovernanceTicket ticket, SettlementRequest request)
    {
        var settlement = Settle(ticket, request, out var record);
        if (record is not null)
        {
            await _usage.EnqueueAsync(record).ConfigureAwait(false);
        }

        return settlement;
    }

    private Settlement Settle(GovernanceTicket ticket, in SettlementRequest request, out UsageRecord? record)
    {
        var now = _time.GetUtcNow();
        var usage = request.Usage;
        var estimated = request.UsageEstimated;
        if (usage.IsEmpty && request.Succeeded)
        {
            // The upstream reported nothing: estimate rather than bill nothing, and say so. A streamed answer is
            // counted as one token per content chunk, the granularity OpenAI-style servers stream at.
            var input = request.EstimatedInputTokens > 0 ? request.EstimatedInputTokens : EstimateInput(request.Call);
            usage = new TokenUsage(input, request.StreamContentChunks);
            estimated = true;
        }

        long? costNano = request.Price is { } price ? CostCalculator.ToNanoUsd(CostCalculator.Cost(price, usage), roundUp: false) : null;
        if (ticket.Ledgers.Length > 0)
        {
            BudgetReservation.SettleAll(ticket.Ledgers, ticket.ReservedNano, costNano ?? 0, ticket.ReservedAt, now);
        }

        foreach (var bucket in ticket.TokenBuckets)
        {
            bucket.Adjust(usage.TotalTokens - ticket.TokensTaken, now);
        }

        if (request.ModelLimitTakes is { } takes)
        {
            foreach (var take in takes)
            {
                take.Bucket.Adjust(take.Output ? usage.CompletionTokens : usage.PromptTokens - take.Taken, now);
            }
        }

        ticket.Gate?.Exit();
        record = null;
        if (request.Attempts == 0)
        {
            return new Settlement(usage, estimated, null);
        }

        record = new UsageRecord
        {
            RequestId = request.RequestId,
            Time = now,
            VirtualKeyId = ticket.Key?.Id,
            TeamId = ticket.TeamId,
            CustomerId = ticket.CustomerId,
            Provider = request.Call.ProviderName,
            Model = request.Call.Model,
            KeyName = request.KeyName,
            Status = request.Status,
            PromptTokens = usage.PromptTokens,
            CompletionTokens = usage.CompletionTokens,
            CachedTokens = usage.CachedTokens,
            CacheWriteTokens = usage.CacheWriteTokens,
            CostNano = costNano,
            Estimated = estimated,
        };
        return new Settlement(usage, estimated, costNano);
    }

    /// <summary>
    /// Databricks-style model limits for one attempt, once its provider key is chosen. The outcome's denial is null when
    /// the attempt may go; otherwise it is the 429, with <see cref="ModelLimitOutcome.KeyScoped"/> true when another
    /// provider key could still pass. What was taken is appended to <paramref name="takes"/> (created when null).
    /// </summary>
    public ValueTask<ModelLimitOutcome> TakeModelLimitsAsync(in MeteredCall call, string? providerKey, int estimatedInputTokens, List<ModelLimitTake>? takes) =>
        ValueTask.FromResult(TakeModelLimits(call, providerKey, estimatedInputTokens, takes));

    private ModelLimitOutcome TakeModelLimits(in MeteredCall call, string? providerKey, int estimatedInputTokens, List<ModelLimitTake>? takes)
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
                    estimatedInputTokens = EstimateInput(call);
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

                return new GovernanceDenial(GovernanceDenialKind.RateLimited,
                    decision.ExceedsCapacity
                        ? $"This request needs more than the model limit '{limit.Id}' allows ({decision.Limit} {unit}) for {target}."
                        : $"Model limit '{limit.Id}' reached: {decision.Limit} {unit} for {target}; retry in {decision.RetryAfter.TotalSeconds:0.###} s.",
                    "model_rate_limit_exceeded")
                {
                    RetryAfterSeconds = decision.ExceedsCapacity ? null : Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds)),
                };
            }
        }

        return new ModelLimitOutcome(null, false, estimatedInputTokens, takes);
    }

    /// <summary>Number of inputs of an embeddings request: an array's length, or 1 for a single string.</summary>
    private static int CountEmbeddingInputs(ReadOnlySpan<byte> body)
    {
        var reader = new System.Text.Json.Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
            {
                return 1;
            }

            while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
            {
                var isInput = reader.ValueTextEquals("input"u8);
                reader.Read();
                if (!isInput)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType != System.Text.Json.JsonTokenType.StartArray)
                {
                    return 1;
                }

                var count = 0;
                reader.Read();
                var first = reader.TokenType;
                if (first is System.Text.Json.JsonTokenType.Number)
                {
                    return 1;  // one input given as token ids
                }

                while (reader.TokenType != System.Text.Json.JsonTokenType.EndArray)
                {
                    count++;
                    reader.Skip();
                    reader.Read();
                }

                return Math.Max(count, 1);
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return 1;
    }

    public static bool IsAllowed(VirtualKey key, string provider, string model)
    {
        if (key.ProviderConfigs.Count == 0)
        {
            return true;
        }

        foreach (var access in key.ProviderConfigs)
        {
            if (access.Provider == provider)
            {
                foreach (var pattern in access.AllowedModels)
                {
                    if (Glob.Matches(pattern, model))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private RateLimitTakes TakeRateLimits(
        in MeteredCall call, GovernanceSnapshot snapshot, VirtualKey key, Team? team, Customer? customer, DateTimeOffset now)
    {
        long tokensTaken = 0;
        int? estimate = null;
        Levels levels = default;
        levels[0] = key.RateLimitId is null ? null : Scope(snapshot.VirtualKeyScopes, "vk", key.Id);
        levels[1] = team?.RateLimitId is null ? null : Scope(snapshot.TeamScopes, "team", team.Id);
        levels[2] = customer?.RateLimitId is null ? null : Scope(snapshot.CustomerScopes, "customer", customer.Id);
        Span<string?> rateLimitIds = [key.RateLimitId, team?.RateLimitId, customer?.RateLimitId];

        Buckets takenRequests = default, takenTokens = default;
        int requestCount = 0, tokenCount = 0;
        RateLimitDecision? headerRequests = null, headerTokens = null;
        for (var level = 0; level < Levels.Count; level++)
        {
            var rateLimitId = rateLimitIds[level];
            if (rateLimitId is null)
            {
                continue;
            }

            var scope = levels[level]!;
            if (snapshot.RequestLimitDefinitions.TryGetValue(rateLimitId, out var requestLimit))
            {
                var bucket = _counters.GetRateLimit(scope.Requests, requestLimit);
                var decision = bucket.TryTake(1, now);
                headerRequests ??= decision;
                if (!decision.Allowed)
                {
                    Rollback(takenRequests[..requestCount], takenTokens[..tokenCount], 1, tokensTaken, now);
                    return new RateLimitTakes(RateLimited(scope.Kind, decision, "requests"), [], 0, null, decision, null);
                }

                takenRequests[requestCount++] = bucket;
            }

            if (snapshot.TokenLimitDefinitions.TryGetValue(rateLimitId, out var tokenLimit))
            {
                estimate ??= EstimateInput(call);
                var bucket = _counters.GetRateLimit(scope.Tokens, tokenLimit);
                var decision = bucket.TryTake(estimate.Value, now);
                headerTokens ??= decision;
                if (!decision.Allowed)
                {
                    Rollback(takenRequests[..requestCount], takenTokens[..tokenCount], 1, estimate.Value, now);
                    return new RateLimitTakes(RateLimited(scope.Kind, decision, "tokens"), [], 0, estimate, null, decision);
                }

                takenTokens[tokenCount++] = bucket;
                tokensTaken = estimate.Value;
            }
        }

        var tokenBuckets = tokenCount == 0 ? [] : takenTokens[..tokenCount].ToArray();
        return new RateLimitTakes(null, tokenBuckets, tokensTaken, estimate, headerRequests, headerTokens);
    }

    /// <summary>What the rate limits of one admission took, or the denial; the decisions feed the response headers.</summary>
    private readonly record struct RateLimitTakes(
        GovernanceDenial? Denial, TokenBucket[] TokenBuckets, long TokensTaken, int? Estimate, RateLimitDecision? Requests, RateLimitDecision? Tokens);

    // The counter ids of an entity; the snapshot has them for every entity it holds.
    private static RateLimitScope Scope(System.Collections.Frozen.FrozenDictionary<string, RateLimitScope> scopes, string kind, string id) =>
        scopes.TryGetValue(id, out var scope) ? scope : new RateLimitScope(kind, id);

    [System.Runtime.CompilerServices.InlineArray(3)]
    private struct Levels
    {
        public const int Count = 3;
        private RateLimitScope? _element;
    }

    [System.Runtime.CompilerServices.InlineArray(3)]
    private struct Buckets
    {
        private TokenBucket _element;
    }

    private static void Rollback(ReadOnlySpan<TokenBucket> requestBuckets, ReadOnlySpan<TokenBucket> tokenBuckets, long requests, long tokens, DateTimeOffset now)
    {
        foreach (var bucket in requestBuckets)
        {
            bucket.Adjust(-requests, now);
        }

        foreach (var bucket in tokenBuckets)
        {
            bucket.Adjust(-tokens, now);
        }
    }

    private static void ReturnTokens(TokenBucket[] buckets, long tokens, DateTimeOffset now)
    {
        foreach (var bucket in buckets)
        {
            bucket.Adjust(-tokens, now);
        }
    }

    private BudgetLedger[] Ledgers(GovernanceSnapshot snapshot, VirtualKey key, Team? team, Customer? customer)
    {
        var keyBudget = Budget(snapshot, key.BudgetId);
        var teamBudget = Budget(snapshot, team?.BudgetId);
        var customerBudget = Budget(snapshot, customer?.BudgetId);
        var count = (keyBudget is null ? 0 : 1) + (teamBudget is null ? 0 : 1) + (customerBudget is null ? 0 : 1);
        if (count == 0)
        {
            return [];
        }

        var ledgers = new BudgetLedger[count];
        var i = 0;
        foreach (var budget in (ReadOnlySpan<Budget?>)[keyBudget, teamBudget, customerBudget])
        {
            if (budget is not null)
            {
                ledgers[i++] = LedgerFor(budget);
            }
        }

        return ledgers;
    }

    private static Budget? Budget(GovernanceSnapshot snapshot, string? budgetId) =>
        budgetId is not null && snapshot.Budgets.TryGetValue(budgetId, out var budget) ? budget : null;

    public BudgetLedger LedgerFor(Budget budget) => _counters.GetBudget(budget.Id, _registry.Current.BudgetDefinitions[budget.Id]);

    private int EstimateInput(in MeteredCall call) => call.Operation switch
    {
        MeteredOperation.Embeddings => _estimator.EstimateEmbeddingsInput(call.Body.Span),
        MeteredOperation.Completions => _estimator.EstimateCompletionsInput(call.Body.Span),
        _ => _estimator.EstimateChatInput(call.Body.Span),
    };

    private static GovernanceDenial BudgetExceeded(BudgetDenial denial, DateTimeOffset now)
    {
        var limit = CostCalculator.FromNanoUsd(denial.LimitNano);
        var used = CostCalculator.FromNanoUsd(denial.SpentAndReservedNano);
        return new GovernanceDenial(GovernanceDenialKind.BudgetExceeded,
            $"Budget '{denial.BudgetId}' is exhausted: {used:0.######} of {limit:0.######} USD used or reserved; it resets at {denial.ResetsAt:O}.",
            "budget_exceeded")
        {
            RetryAfterSeconds = (int)Math.Ceiling(Math.Max(0, (denial.ResetsAt - now).TotalSeconds)),
        };
    }

    private static GovernanceDenial RateLimited(string level, RateLimitDecision decision, string unit)
    {
        if (decision.ExceedsCapacity)
        {
            return new GovernanceDenial(GovernanceDenialKind.RateLimited,
                $"This request needs more {unit} than the {level} rate limit allows in a whole window ({decision.Limit}).",
                "rate_limit_exceeded");
        }

        return new GovernanceDenial(GovernanceDenialKind.RateLimited,
            $"Rate limit of the {level} reached ({decision.Limit} {unit} per window); retry in {decision.RetryAfter.TotalSeconds:0.###} s.",
            "rate_limit_exceeded")
        {
            RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds)),
        };
    }

    private static GovernanceDenial Unauthorized(string message, string code) => new(GovernanceDenialKind.Unauthenticated, message, code);
}
