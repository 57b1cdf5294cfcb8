using System.Globalization;
using Tollgate.Configuration;
using Tollgate.Governance.Limits;
using Tollgate.Governance.Model;
using Tollgate.Governance.Pricing;
using Tollgate.Governance.Usage;
using Tollgate.Pipeline;
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

    /// <summary>Finds the caller's virtual key from <c>x-tollgate-vk</c>, <c>Authorization: Bearer</c> or <c>x-api-key</c>.</summary>
    /// <param name="enforce">False for the UI playground: a key is optional there, and only <c>x-tollgate-vk</c> names one
    /// (its Authorization header carries the admin's credential, not a virtual key).</param>
    public GatewayError? Authenticate(HttpContext context, out VirtualKey? key, bool enforce = true)
    {
        var span = Observability.Tracing.GatewayTracing.StartStage(Observability.Tracing.GatewayTracing.AuthenticateStage);
        var error = AuthenticateCore(context, out key, enforce);
        Observability.Tracing.GatewayTracing.EndStage(span, error);
        return error;
    }

    private GatewayError? AuthenticateCore(HttpContext context, out VirtualKey? key, bool enforce)
    {
        key = null;
        var headers = context.Request.Headers;
        var explicitHeader = headers["x-tollgate-vk"].ToString();
        if (!enforce && explicitHeader.Length == 0)
        {
            return null;
        }

        enforce = enforce && _config.Current.Client.EnforceAuthOnInference;
        var presented = explicitHeader.Length > 0 ? explicitHeader.AsSpan() : BearerOrApiKey(headers);
        if (presented.IsEmpty)
        {
            return enforce ? Unauthorized("Missing virtual key: send it as 'Authorization: Bearer sk-tg-…', 'x-api-key' or 'x-tollgate-vk'.", "missing_api_key") : null;
        }

        // Without enforcement, a value that is not shaped like a virtual key is someone else's key (or a placeholder)
        // and is ignored; a virtual key that does not match is always an error.
        var looksVirtual = explicitHeader.Length > 0 || presented.StartsWith(VirtualKeyValues.Prefix, StringComparison.Ordinal);
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

    /// <summary>Admission for a routed call. On success the ticket must be settled exactly once.</summary>
    public GatewayError? Admit(InferenceCall call, VirtualKey? key, out GovernanceTicket ticket)
    {
        ticket = GovernanceTicket.None;
        var snapshot = _registry.Current;
        var provider = call.Provider;
        var price = _prices.TryGet(provider.Name, provider.Traits.TypeName, call.Model, out var found) ? found : null;
        call.Price = price;
        if (key is null)
        {
            return null;
        }

        if (!IsAllowed(key, provider.Name, call.Model))
        {
            return new GatewayError(StatusCodes.Status403Forbidden,
                $"Virtual key '{key.Name}' may not use model '{provider.Name}/{call.Model}'.", ErrorTypes.Permission, "model_not_allowed", "model");
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
                return new GatewayError(StatusCodes.Status429TooManyRequests,
                    $"Virtual key '{key.Name}' already has {max} requests in flight.", ErrorTypes.RateLimit, "concurrency_limit_exceeded")
                {
                    RetryAfterSeconds = 1,
                };
            }
        }

        var error = TakeRateLimits(call, snapshot, key, team, customer, now, out var tokenBuckets, out var tokensTaken, out var estimate);
        if (error is not null)
        {
            gate?.Exit();
            return error;
        }

        var ledgers = Ledgers(snapshot, key, team, customer);
        long reserved = 0;
        if (ledgers.Length > 0 && price is not null)
        {
            estimate ??= EstimateInput(call);
            reserved = CostCalculator.ToNanoUsd(CostCalculator.WorstCase(price, estimate.Value, call.Sniff.MaxTokens), roundUp: true);
            if (!BudgetReservation.TryReserveAll(ledgers, reserved, now, out var denial))
            {
                ReturnTokens(tokenBuckets, tokensTaken, now);
                gate?.Exit();
                return BudgetExceeded(denial, now);
            }
        }

        call.EstimatedInputTokens = estimate ?? 0;
        ticket = new GovernanceTicket
        {
            Key = key,
            TeamId = team?.Id,
            CustomerId = customer?.Id,
            Price = price,
            Ledgers = ledgers,
            ReservedNano = reserved,
            ReservedAt = now,
            TokenBuckets = tokenBuckets,
            TokensTaken = tokensTaken,
            EstimatedInputTokens = estimate ?? 0,
            Gate = gate,
        };
        return null;
    }

    /// <summary>Estimates a non-stream call's usage from its request and answer when the upstream reported none.</summary>
    public void EstimateMissingUsage(InferenceCall call, ReadOnlySpan<byte> responseBody)
    {
        var input = call.EstimatedInputTokens > 0 ? call.EstimatedInputTokens : EstimateInput(call);
        call.Usage = new TokenUsage(input, _estimator.EstimateResponseOutput(responseBody));
        call.UsageEstimated = true;
    }

    /// <summary>Replaces the reservation with the real cost, corrects token buckets and queues the usage record.</summary>
    public ValueTask SettleAsync(GovernanceTicket ticket, InferenceCall call)
    {
        var now = _time.GetUtcNow();
        var usage = call.Usage;
        var estimated = call.UsageEstimated;
        var reachedUpstream = call.Succeeded;
        if (usage.IsEmpty && reachedUpstream)
        {
            // The upstream reported nothing: estimate rather than bill nothing, and say so. A streamed answer is
            // counted as one token per content chunk, the granularity OpenAI-style servers stream at.
            var input = call.EstimatedInputTokens > 0 ? call.EstimatedInputTokens : EstimateInput(call);
            usage = new TokenUsage(input, call.StreamContentChunks);
            call.Usage = usage;
            estimated = true;
        }

        long? costNano = call.Price is { } price ? CostCalculator.ToNanoUsd(CostCalculator.Cost(price, usage), roundUp: false) : null;
        call.CostNano = call.Attempts > 0 ? costNano : null;
        if (ticket.Ledgers.Length > 0)
        {
            BudgetReservation.SettleAll(ticket.Ledgers, ticket.ReservedNano, costNano ?? 0, ticket.ReservedAt, now);
        }

        foreach (var bucket in ticket.TokenBuckets)
        {
            bucket.Adjust(usage.TotalTokens - ticket.TokensTaken, now);
        }

        if (call.ModelLimitTakes is { } takes)
        {
            foreach (var take in takes)
            {
                take.Bucket.Adjust(take.Output ? usage.CompletionTokens : usage.PromptTokens - take.Taken, now);
            }
        }

        ticket.Gate?.Exit();
        if (call.Attempts == 0)
        {
            return ValueTask.CompletedTask;
        }

        return _usage.EnqueueAsync(new UsageRecord
        {
            RequestId = call.RequestId,
            Time = now,
            VirtualKeyId = ticket.Key?.Id,
            TeamId = ticket.TeamId,
            CustomerId = ticket.CustomerId,
            Provider = call.Provider.Name,
            Model = call.Model,
            KeyName = call.Key?.Name,
            Status = call.Succeeded ? StatusCodes.Status200OK : call.Error?.Status ?? 499,
            PromptTokens = usage.PromptTokens,
            CompletionTokens = usage.CompletionTokens,
            CachedTokens = usage.CachedTokens,
            CacheWriteTokens = usage.CacheWriteTokens,
            CostNano = costNano,
            Estimated = estimated,
        });
    }

    /// <summary>
    /// Databricks-style model limits for one attempt, once its provider key is chosen. Returns null when the attempt
    /// may go; otherwise the 429, with <paramref name="keyScoped"/> true when another provider key could still pass.
    /// </summary>
    public GatewayError? TakeModelLimits(InferenceCall call, ProviderKeyConfig? providerKey, out bool keyScoped)
    {
        keyScoped = false;
        if (!_registry.Current.ModelLimitsByProvider.TryGetValue(call.Provider.Name, out var limits))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var taken = new List<(TokenBucket Bucket, long Amount)>();
        foreach (var limit in limits)
        {
            if (!Glob.Matches(limit.Model, call.Model) || (limit.Key is not null && limit.Key != providerKey?.Name))
            {
                continue;
            }

            var scope = limit.Key is null ? $"ml:{limit.Id}:{call.Model}" : $"ml:{limit.Id}:{call.Model}:{limit.Key}";
            var error = Take(limit.QueriesPerSecond, TimeSpan.FromSeconds(1), "qps", 1, "queries per second")
                ?? Take(limit.QueriesPerHour, TimeSpan.FromHours(1), "qph", 1, "queries per hour")
                ?? (call.Operation == InferenceOperation.Embeddings
                    ? Take(limit.EmbeddingInputsPerSecond, TimeSpan.FromSeconds(1), "eips", CountEmbeddingInputs(call.Body.Span), "embedding inputs per second")
                    : null)
                ?? TakeInput()
                ?? TakeOutput();
            if (error is not null)
            {
                foreach (var (bucket, amount) in taken)
                {
                    bucket.Adjust(-amount, now);
                }

                keyScoped = limit.Key is not null;
                return error;
            }

            GatewayError? TakeInput()
            {
                if (limit.InputTokensPerMinute is not { } tpm)
                {
                    return null;
                }

                if (call.EstimatedInputTokens == 0)
                {
                    call.EstimatedInputTokens = EstimateInput(call);
                }

                var bucket = _counters.GetRateLimit(scope + ":itpm", new RateLimitDefinition(tpm, TimeSpan.FromMinutes(1)));
                var error = Decide(bucket, call.EstimatedInputTokens, "input tokens per minute");
                if (error is null)
                {
                    (call.ModelLimitTakes ??= []).Add(new ModelLimitTake(bucket, Output: false, call.EstimatedInputTokens));
                }

                return error;
            }

            GatewayError? TakeOutput()
            {
                if (limit.OutputTokensPerMinute is not { } tpm)
                {
                    return null;
                }

                // Output is unknown until the answer: admit while the bucket is not in debt, charge the real count after.
                var bucket = _counters.GetRateLimit(scope + ":otpm", new RateLimitDefinition(tpm, TimeSpan.FromMinutes(1)));
                var error = Decide(bucket, 1, "output tokens per minute");
                if (error is null)
                {
                    bucket.Adjust(-1, now);
                    (call.ModelLimitTakes ??= []).Add(new ModelLimitTake(bucket, Output: true, 0));
                }

                return error;
            }

            GatewayError? Take(long? max, TimeSpan window, string suffix, long amount, string unit)
            {
                if (max is not { } limitValue)
                {
                    return null;
                }

                var bucket = _counters.GetRateLimit($"{scope}:{suffix}", new RateLimitDefinition(limitValue, window));
                return Decide(bucket, amount, unit);
            }

            GatewayError? Decide(TokenBucket bucket, long amount, string unit)
            {
                var decision = bucket.TryTake(amount, now);
                if (decision.Allowed)
                {
                    taken.Add((bucket, amount));
                    return null;
                }

                var target = limit.Key is null ? $"{call.Provider.Name}/{call.Model}" : $"{call.Provider.Name}/{call.Model} with key '{limit.Key}'";
                return new GatewayError(StatusCodes.Status429TooManyRequests,
                    decision.ExceedsCapacity
                        ? $"This request needs more than the model limit '{limit.Id}' allows ({decision.Limit} {unit}) for {target}."
                        : $"Model limit '{limit.Id}' reached: {decision.Limit} {unit} for {target}; retry in {decision.RetryAfter.TotalSeconds:0.###} s.",
                    ErrorTypes.RateLimit, "model_rate_limit_exceeded")
                {
                    RetryAfterSeconds = decision.ExceedsCapacity ? null : Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds)),
                };
            }
        }

        return null;
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

    private GatewayError? TakeRateLimits(
        InferenceCall call, GovernanceSnapshot snapshot, VirtualKey key, Team? team, Customer? customer, DateTimeOffset now,
        out TokenBucket[] tokenBuckets, out long tokensTaken, out int? estimate)
    {
        tokenBuckets = [];
        tokensTaken = 0;
        estimate = null;
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
                    return RateLimited(call, scope.Kind, decision, "requests");
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
                    return RateLimited(call, scope.Kind, decision, "tokens");
                }

                takenTokens[tokenCount++] = bucket;
                tokensTaken = estimate.Value;
            }
        }

        SetRateLimitHeaders(call.Http, headerRequests, RequestHeaders);
        SetRateLimitHeaders(call.Http, headerTokens, TokenHeaders);
        tokenBuckets = tokenCount == 0 ? [] : takenTokens[..tokenCount].ToArray();
        return null;
    }

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

    private int EstimateInput(InferenceCall call) => call.Operation switch
    {
        InferenceOperation.Embeddings => _estimator.EstimateEmbeddingsInput(call.Body.Span),
        InferenceOperation.Completions => _estimator.EstimateCompletionsInput(call.Body.Span),
        _ => _estimator.EstimateChatInput(call.Body.Span),
    };

    private static GatewayError BudgetExceeded(BudgetDenial denial, DateTimeOffset now)
    {
        var limit = CostCalculator.FromNanoUsd(denial.LimitNano);
        var used = CostCalculator.FromNanoUsd(denial.SpentAndReservedNano);
        return new GatewayError(StatusCodes.Status402PaymentRequired,
            $"Budget '{denial.BudgetId}' is exhausted: {used:0.######} of {limit:0.######} USD used or reserved; it resets at {denial.ResetsAt:O}.",
            "budget_exceeded", "budget_exceeded")
        {
            RetryAfterSeconds = (int)Math.Ceiling(Math.Max(0, (denial.ResetsAt - now).TotalSeconds)),
        };
    }

    private static GatewayError RateLimited(InferenceCall call, string level, RateLimitDecision decision, string unit)
    {
        SetRateLimitHeaders(call.Http, decision, unit == RequestHeaders.Unit ? RequestHeaders : TokenHeaders);
        if (decision.ExceedsCapacity)
        {
            return new GatewayError(StatusCodes.Status429TooManyRequests,
                $"This request needs more {unit} than the {level} rate limit allows in a whole window ({decision.Limit}).",
                ErrorTypes.RateLimit, "rate_limit_exceeded");
        }

        return new GatewayError(StatusCodes.Status429TooManyRequests,
            $"Rate limit of the {level} reached ({decision.Limit} {unit} per window); retry in {decision.RetryAfter.TotalSeconds:0.###} s.",
            ErrorTypes.RateLimit, "rate_limit_exceeded")
        {
            RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(decision.RetryAfter.TotalSeconds)),
        };
    }

    /// <summary>The <c>x-ratelimit-*</c> headers OpenAI clients read, from the most specific limit that applies.</summary>
    private static void SetRateLimitHeaders(HttpContext context, RateLimitDecision? decision, RateLimitHeaderNames names)
    {
        if (decision is not { } d)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers[names.Limit] = d.Limit.ToString(CultureInfo.InvariantCulture);
        headers[names.Remaining] = d.Remaining.ToString(CultureInfo.InvariantCulture);
        headers[names.Reset] = FormatReset(d.Allowed ? d.ResetAfter : d.RetryAfter);
    }

    private static readonly RateLimitHeaderNames RequestHeaders = new("requests");
    private static readonly RateLimitHeaderNames TokenHeaders = new("tokens");

    private sealed class RateLimitHeaderNames(string unit)
    {
        public string Unit { get; } = unit;

        public string Limit { get; } = $"x-ratelimit-limit-{unit}";

        public string Remaining { get; } = $"x-ratelimit-remaining-{unit}";

        public string Reset { get; } = $"x-ratelimit-reset-{unit}";
    }

    /// <summary>OpenAI's reset format: <c>20ms</c>, <c>1s</c>, <c>6m0s</c>.</summary>
    private static string FormatReset(TimeSpan span)
    {
        if (span < TimeSpan.FromSeconds(1))
        {
            return $"{Math.Ceiling(span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms";
        }

        var seconds = (long)Math.Ceiling(span.TotalSeconds);
        return seconds < 60
            ? $"{seconds.ToString(CultureInfo.InvariantCulture)}s"
            : $"{(seconds / 60).ToString(CultureInfo.InvariantCulture)}m{(seconds % 60).ToString(CultureInfo.InvariantCulture)}s";
    }

    private static GatewayError Unauthorized(string message, string code) =>
        new(StatusCodes.Status401Unauthorized, message, ErrorTypes.Authentication, code);

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
