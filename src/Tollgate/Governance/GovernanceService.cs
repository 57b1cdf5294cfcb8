using Tollgate.Configuration;
using Tollgate.Governance.Counters;
using Tollgate.Governance.Limits;
using Tollgate.Governance.Model;
using Tollgate.Governance.Pricing;
using Tollgate.Governance.Usage;
using Tollgate.Inference;

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
    private readonly SharedGovernance? _shared;
    private readonly ModelLimitGate _modelLimits;
    private volatile PriceCatalog _prices;

    public GovernanceService(
        GovernanceRegistry registry,
        IGovernanceCounters counters,
        GatewayConfigMonitor config,
        TokenEstimator estimator,
        UsageWriter usage,
        TimeProvider time,
        SharedGovernance? shared = null)
    {
        _shared = shared;
        _registry = registry;
        _counters = counters;
        _config = config;
        _estimator = estimator;
        _usage = usage;
        _time = time;
        _modelLimits = new ModelLimitGate(registry, counters, estimator, time, shared);
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
            return enforce ? GovernanceDenials.Unauthorized("Missing virtual key: send it as 'Authorization: Bearer sk-tg-…', 'x-api-key' or 'x-tollgate-vk'.", "missing_api_key") : null;
        }

        // Without enforcement, a value that is not shaped like a virtual key is someone else's key (or a placeholder)
        // and is ignored; a virtual key that does not match is always an error.
        var looksVirtual = named || presented.StartsWith(VirtualKeyValues.Prefix, StringComparison.Ordinal);
        Span<char> hash = stackalloc char[VirtualKeyValues.HashChars];
        VirtualKeyValues.Hash(presented, hash);
        if (!_registry.Current.KeysByHashSpan.TryGetValue(hash, out var found))
        {
            return enforce || looksVirtual ? GovernanceDenials.Unauthorized("Invalid virtual key.", "invalid_api_key") : null;
        }

        var now = _time.GetUtcNow();
        if (!found.IsActive)
        {
            return GovernanceDenials.Unauthorized($"Virtual key '{found.Name}' is disabled.", "virtual_key_disabled");
        }

        if (found.ExpiresAt <= now)
        {
            return GovernanceDenials.Unauthorized($"Virtual key '{found.Name}' expired at {found.ExpiresAt:O}.", "virtual_key_expired");
        }

        if (!found.KeyHash.AsSpan().SequenceEqual(hash) && found.PreviousKeyValidUntil <= now)
        {
            return GovernanceDenials.Unauthorized("This virtual key was rotated and its grace period is over.", "virtual_key_rotated");
        }

        key = found;
        return null;
    }

    /// <summary>Admission for a routed call. Unless denied, the ticket must be settled exactly once.</summary>
    public ValueTask<Admission> AdmitAsync(in MeteredCall call, VirtualKey? key) =>
        _shared is null || key is null ? ValueTask.FromResult(Admit(call, key)) : AdmitSharedAsync(call, key, _shared);

    /// <summary>Cluster mode: the same checks in the same order, as one batch on the shared counters.</summary>
    private async ValueTask<Admission> AdmitSharedAsync(MeteredCall call, VirtualKey key, SharedGovernance shared)
    {
        var snapshot = _registry.Current;
        var price = _prices.TryGet(call.ProviderName, call.ProviderType, call.Model, out var found) ? found : null;
        if (NotAllowed(key, call) is { } forbidden)
        {
            return Denied(forbidden);
        }

        var (team, customer) = Owners(snapshot, key);
        var now = _time.GetUtcNow();
        SharedAdmission admission;
        try
        {
            admission = await shared.AdmitAsync(snapshot, key, team, customer, price, call.MaxTokens, () => _estimator.EstimateInput(call), now).ConfigureAwait(false);
        }
        catch (CountersUnavailableException ex)
        {
            return Denied(GovernanceDenials.Unavailable(ex));
        }

        var result = admission.Result;
        RateLimitDecision? requests = null, tokens = null;
        for (var i = 0; i < admission.Ops.Count; i++)
        {
            var op = admission.Ops[i];
            if (op.Kind != CounterOpKind.Take || (result.Denied >= 0 && i != result.Denied))
            {
                continue;
            }

            if (op.D == 0)
            {
                requests ??= result.Decisions[i];
            }
            else
            {
                tokens ??= result.Decisions[i];
            }
        }

        if (result.Denied >= 0)
        {
            var op = admission.Ops[result.Denied];
            var denial = op.Kind switch
            {
                CounterOpKind.GateEnter => new GovernanceDenial(GovernanceDenialKind.RateLimited,
                    $"Virtual key '{key.Name}' already has {op.A} requests in flight.", "concurrency_limit_exceeded")
                {
                    RetryAfterSeconds = 1,
                },
                CounterOpKind.Take => GovernanceDenials.RateLimited(admission.Levels[result.Denied]!, result.Decisions[result.Denied], op.D == 0 ? "requests" : "tokens"),
                _ => GovernanceDenials.BudgetExceeded(new BudgetDenial(op.Key[2..], op.A, result.DeniedUsedNano, op.C, DateTimeOffset.FromUnixTimeMilliseconds(op.D)), now),
            };
            return new Admission(denial, GovernanceTicket.None, price, 0, requests, tokens);
        }

        var ticket = new GovernanceTicket
        {
            Key = key,
            TeamId = team?.Id,
            CustomerId = customer?.Id,
            Price = price,
            ReservedNano = admission.ReservedNano,
            ReservedAt = now,
            TokensTaken = admission.Ops.Any(o => o.Kind == CounterOpKind.Take && o.D != 0) ? admission.Estimate ?? 0 : 0,
            EstimatedInputTokens = admission.Estimate ?? 0,
            Shared = admission,
        };
        return new Admission(null, ticket, price, admission.Estimate ?? 0, requests, tokens);

        Admission Denied(GovernanceDenial denial) => new(denial, GovernanceTicket.None, price, 0, null, null);
    }

    private static GovernanceDenial? NotAllowed(VirtualKey key, in MeteredCall call) => key.IsAllowed(call.ProviderName, call.Model)
        ? null
        : new GovernanceDenial(GovernanceDenialKind.Forbidden,
            $"Virtual key '{key.Name}' may not use model '{call.ProviderName}/{call.Model}'.", "model_not_allowed", "model");

    /// <summary>The key's team and customer (the key's own customer, else its team's), as far as the snapshot has them.</summary>
    private static (Team? Team, Customer? Customer) Owners(GovernanceSnapshot snapshot, VirtualKey key)
    {
        var team = key.TeamId is not null && snapshot.Teams.TryGetValue(key.TeamId, out var t) ? t : null;
        var customerId = key.CustomerId ?? team?.CustomerId;
        return (team, customerId is not null && snapshot.Customers.TryGetValue(customerId, out var c) ? c : null);
    }

    private Admission Admit(in MeteredCall call, VirtualKey? key)
    {
        var snapshot = _registry.Current;
        var price = _prices.TryGet(call.ProviderName, call.ProviderType, call.Model, out var found) ? found : null;
        if (key is null)
        {
            return new Admission(null, GovernanceTicket.None, price, 0, null, null);
        }

        if (NotAllowed(key, call) is { } forbidden)
        {
            return Denied(forbidden);
        }

        var (team, customer) = Owners(snapshot, key);
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
            estimate ??= _estimator.EstimateInput(call);
            reserved = CostCalculator.ToNanoUsd(CostCalculator.WorstCase(price, estimate.Value, call.MaxTokens), roundUp: true);
            if (!BudgetReservation.TryReserveAll(ledgers, reserved, now, out var denial))
            {
                ReturnTokens(limits.TokenBuckets, limits.TokensTaken, now);
                gate?.Exit();
                return Denied(GovernanceDenials.BudgetExceeded(denial, now));
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
        var input = estimatedInputTokens > 0 ? estimatedInputTokens : _estimator.EstimateInput(call);
        return new TokenUsage(input, _estimator.EstimateResponseOutput(responseBody));
    }

    /// <summary>Replaces the reservation with the real cost, corrects token buckets and queues the usage record.</summary>
    public async ValueTask<Settlement> SettleAsync(GovernanceTicket ticket, SettlementRequest request)
    {
        var settlement = Settle(ticket, request, out var record);
        if (_shared is not null && (ticket.Shared is not null || request.ModelLimitTakes is { Count: > 0 }))
        {
            var usage = settlement.Usage;
            await _shared.SettleAsync(_registry.Current, (IReadOnlyList<CounterOp>?)ticket.Shared?.Ops ?? [], ticket.Shared?.Result.Local ?? false,
                usage.TotalTokens, ticket.TokensTaken, settlement.CostNano ?? CostOf(request.Price, usage), request.ModelLimitTakes,
                usage.PromptTokens, usage.CompletionTokens, _time.GetUtcNow()).ConfigureAwait(false);
        }

        if (record is not null)
        {
            await _usage.EnqueueAsync(record).ConfigureAwait(false);
        }

        return settlement;
    }

    private static long CostOf(ModelPrice? price, TokenUsage usage) =>
        price is null ? 0 : CostCalculator.ToNanoUsd(CostCalculator.Cost(price, usage), roundUp: false);

    private Settlement Settle(GovernanceTicket ticket, in SettlementRequest request, out UsageRecord? record)
    {
        var now = _time.GetUtcNow();
        var usage = request.Usage;
        var estimated = request.UsageEstimated;
        if (usage.IsEmpty && request.Succeeded)
        {
            // The upstream reported nothing: estimate rather than bill nothing, and say so. A streamed answer is
            // counted as one token per content chunk, the granularity OpenAI-style servers stream at.
            var input = request.EstimatedInputTokens > 0 ? request.EstimatedInputTokens : _estimator.EstimateInput(request.Call);
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
                take.Bucket?.Adjust(take.Output ? usage.CompletionTokens : usage.PromptTokens - take.Taken, now);
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
                    return new RateLimitTakes(GovernanceDenials.RateLimited(scope.Kind, decision, "requests"), [], 0, null, decision, null);
                }

                takenRequests[requestCount++] = bucket;
            }

            if (snapshot.TokenLimitDefinitions.TryGetValue(rateLimitId, out var tokenLimit))
            {
                estimate ??= _estimator.EstimateInput(call);
                var bucket = _counters.GetRateLimit(scope.Tokens, tokenLimit);
                var decision = bucket.TryTake(estimate.Value, now);
                headerTokens ??= decision;
                if (!decision.Allowed)
                {
                    Rollback(takenRequests[..requestCount], takenTokens[..tokenCount], 1, estimate.Value, now);
                    return new RateLimitTakes(GovernanceDenials.RateLimited(scope.Kind, decision, "tokens"), [], 0, estimate, null, decision);
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

    /// <summary>Databricks-style model limits for one attempt, once its provider key is chosen (<see cref="ModelLimitGate"/>).</summary>
    public ValueTask<ModelLimitOutcome> TakeModelLimitsAsync(in MeteredCall call, string? providerKey, int estimatedInputTokens, List<ModelLimitTake>? takes) =>
        _modelLimits.TakeAsync(call, providerKey, estimatedInputTokens, takes);

    /// <summary>
    /// A budget's state for metrics. In cluster mode this instance's ledger sees only its own calls, so the state comes
    /// from the durable store (spend flushed so far); the admin API asks <see cref="BudgetStateAsync"/> for the live view.
    /// </summary>
    public BudgetSnapshot BudgetState(Budget budget, DateTimeOffset now) =>
        _shared is null ? LedgerFor(budget).Snapshot(now) : _shared.StoreSnapshot(budget.Id, _registry.Current.BudgetDefinitions[budget.Id], now);

    /// <summary>The admin API's view: in cluster mode spend and reservations in flight across every instance.</summary>
    public ValueTask<BudgetSnapshot> BudgetStateAsync(Budget budget, DateTimeOffset now) =>
        _shared is null
            ? ValueTask.FromResult(LedgerFor(budget).Snapshot(now))
            : _shared.LiveSnapshotAsync(budget.Id, _registry.Current.BudgetDefinitions[budget.Id], now);

    public BudgetLedger LedgerFor(Budget budget) => _counters.GetBudget(budget.Id, _registry.Current.BudgetDefinitions[budget.Id]);
}
