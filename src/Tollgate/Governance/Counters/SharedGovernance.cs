using Tollgate.Governance.Limits;
using Tollgate.Governance.Model;
using Tollgate.Governance.Pricing;

namespace Tollgate.Governance.Counters;

/// <summary>
/// Governance on shared counters (cluster mode): the same checks as the in-memory path of
/// <see cref="GovernanceService"/>, in the same order, expressed as one admission batch and one settlement batch so a
/// request costs two round trips to Redis (model limits, when a provider has them, one more per attempt).
/// <code>
///   [gate c:vk:ID] [rl:vk:ID:req] [rl:vk:ID:tok] [team …] [customer …] [b:BUDGET …]  ──► AdmitAsync (all or none)
///   [gate exit]    [token corrections]          [model-limit corrections] [b: settle] ──► SettleAsync
/// </code>
/// A budget the counters have no state for (fresh Redis, flushed, replaced) is seeded from the durable store's spend
/// for its window first, so losing Redis never resets a budget.
/// </summary>
internal sealed class SharedGovernance(IBatchCounters counters, BudgetSpend spend, Usage.UsageWriter usage)
{
    private const long TokenTake = 1;

    public async ValueTask<SharedAdmission> AdmitAsync(
        GovernanceSnapshot snapshot, VirtualKey key, Team? team, Customer? customer, ModelPrice? price, int? maxTokens,
        Func<int> estimateInput, DateTimeOffset now)
    {
        var ops = new List<CounterOp>(8);
        var units = new List<string?>(8);
        int? estimate = null;
        if (key.MaxConcurrentRequests is { } max)
        {
            ops.Add(new CounterOp(CounterOpKind.GateEnter, "c:vk:" + key.Id, max));
            units.Add(null);
        }

        Span<string?> rateLimitIds = [key.RateLimitId, team?.RateLimitId, customer?.RateLimitId];
        Span<string?> kinds = ["vk", "team", "customer"];
        Span<string?> ids = [key.Id, team?.Id, customer?.Id];
        for (var level = 0; level < 3; level++)
        {
            if (rateLimitIds[level] is not { } rateLimitId)
            {
                continue;
            }

            var scope = new RateLimitScope(kinds[level]!, ids[level]!);
            if (snapshot.RequestLimitDefinitions.TryGetValue(rateLimitId, out var requestLimit))
            {
                ops.Add(new CounterOp(CounterOpKind.Take, "rl:" + scope.Requests, requestLimit.Limit, WindowMs(requestLimit), 1));
                units.Add(scope.Kind);
            }

            if (snapshot.TokenLimitDefinitions.TryGetValue(rateLimitId, out var tokenLimit))
            {
                estimate ??= estimateInput();
                ops.Add(new CounterOp(CounterOpKind.Take, "rl:" + scope.Tokens, tokenLimit.Limit, WindowMs(tokenLimit), estimate.Value, TokenTake));
                units.Add(scope.Kind);
            }
        }

        long reserved = 0;
        var budgetIds = Budgets(snapshot, key, team, customer);
        if (budgetIds.Count > 0 && price is not null)
        {
            estimate ??= estimateInput();
            reserved = CostCalculator.ToNanoUsd(CostCalculator.WorstCase(price, estimate.Value, maxTokens), roundUp: true);
            foreach (var budgetId in budgetIds)
            {
                var definition = snapshot.BudgetDefinitions[budgetId];
                var (start, end) = definition.Period.WindowAt(now, definition.Anchor);
                ops.Add(new CounterOp(CounterOpKind.Reserve, "b:" + budgetId, definition.LimitNano, start.ToUnixTimeMilliseconds(), reserved,
                    end.ToUnixTimeMilliseconds()));
                units.Add(null);
            }
        }

        var result = await AdmitSeededAsync(ops, now).ConfigureAwait(false);
        return new SharedAdmission(ops, units, result, estimate, reserved);
    }

    /// <summary>Model limits for one attempt: the takes, or the index of the refusing one.</summary>
    public ValueTask<CounterBatchResult> TakeAsync(List<CounterOp> ops, DateTimeOffset now) => counters.AdmitAsync(ops, now);

    /// <summary>The settlement batch of an admission: gate exit, token corrections, budget settles at the current window.</summary>
    public ValueTask SettleAsync(GovernanceSnapshot snapshot, IReadOnlyList<CounterOp> admitted, bool local, long totalTokens, long tokensTaken,
        long actualNano, IReadOnlyList<ModelLimitTake>? modelTakes, int promptTokens, int completionTokens, DateTimeOffset now)
    {
        var ops = new List<CounterOp>(admitted.Count + (modelTakes?.Count ?? 0));
        foreach (var op in admitted)
        {
            switch (op.Kind)
            {
                case CounterOpKind.GateEnter:
                    ops.Add(new CounterOp(CounterOpKind.GateExit, op.Key));
                    break;
                case CounterOpKind.Take when op.D == TokenTake:
                    ops.Add(new CounterOp(CounterOpKind.Adjust, op.Key, op.A, op.B, totalTokens - tokensTaken));
                    break;
                case CounterOpKind.Reserve:
                {
                    // The cost lands in the window current now, like BudgetLedger.Settle (the reservation carried over).
                    long start = op.B, end = op.D;
                    if (snapshot.BudgetDefinitions.TryGetValue(op.Key[2..], out var definition))
                    {
                        var window = definition.Period.WindowAt(now, definition.Anchor);
                        start = window.Start.ToUnixTimeMilliseconds();
                        end = window.End.ToUnixTimeMilliseconds();
                    }

                    ops.Add(new CounterOp(CounterOpKind.Settle, op.Key, op.C, start, actualNano, end));
                    break;
                }
            }
        }

        List<CounterOp>? other = null;
        if (modelTakes is not null)
        {
            foreach (var take in modelTakes)
            {
                if (take.SharedKey is null)
                {
                    continue;
                }

                var delta = take.Output ? completionTokens : promptTokens - take.Taken;
                var adjust = new CounterOp(CounterOpKind.Adjust, take.SharedKey, take.Limit, take.WindowMs, delta);
                if (take.Local == local)
                {
                    ops.Add(adjust);
                }
                else
                {
                    (other ??= []).Add(adjust);
                }
            }
        }

        if (other is null)
        {
            return counters.SettleAsync(ops, local, now);
        }

        return SettleBothAsync(ops, local, other, now);
    }

    private async ValueTask SettleBothAsync(List<CounterOp> ops, bool local, List<CounterOp> other, DateTimeOffset now)
    {
        await counters.SettleAsync(ops, local, now).ConfigureAwait(false);
        await counters.SettleAsync(other, !local, now).ConfigureAwait(false);
    }

    private async ValueTask<CounterBatchResult> AdmitSeededAsync(List<CounterOp> ops, DateTimeOffset now)
    {
        // Each pass seeds at most one budget; a call governs at most three.
        for (var pass = 0; ; pass++)
        {
            var result = await counters.AdmitAsync(ops, now).ConfigureAwait(false);
            if (result.MissingBudget < 0 || pass == 3)
            {
                return result;
            }

            // This instance's settled spend first, so the seed does not miss what waits in its usage queue.
            await usage.FlushAsync().ConfigureAwait(false);
            var op = ops[result.MissingBudget];
            var spent = spend.SpentSince(op.Key[2..], DateTimeOffset.FromUnixTimeMilliseconds(op.B));
            await counters.SeedBudgetAsync(op.Key, op.B, op.D, spent, result.Local).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A budget's cluster-wide state for the admin API: spend and live reservations from the shared counters, which
    /// every instance settles into at once; the durable store's view (flushed spend only) when they hold none for the
    /// current window or cannot answer.
    /// </summary>
    public async ValueTask<BudgetSnapshot> LiveSnapshotAsync(string budgetId, BudgetDefinition definition, DateTimeOffset now)
    {
        var (start, _) = definition.Period.WindowAt(now, definition.Anchor);
        if (await counters.ReadBudgetAsync("b:" + budgetId, now).ConfigureAwait(false) is not { } live || live.WindowStartMs != start.ToUnixTimeMilliseconds())
        {
            return StoreSnapshot(budgetId, definition, now);
        }

        var ledger = new BudgetLedger(budgetId, definition);
        ledger.Restore(live.SpentNano, start);
        var snapshot = ledger.Snapshot(now);
        return snapshot with
        {
            ReservedNano = live.ReservedNano,
            RemainingNano = Math.Max(0, snapshot.LimitNano - live.SpentNano - live.ReservedNano),
        };
    }

    /// <summary>A budget's state as the durable store knows it (the metrics' view in cluster mode, and the fallback).</summary>
    public BudgetSnapshot StoreSnapshot(string budgetId, BudgetDefinition definition, DateTimeOffset now)
    {
        var (start, _) = definition.Period.WindowAt(now, definition.Anchor);
        var ledger = new BudgetLedger(budgetId, definition);
        ledger.Restore(spend.SpentSince(budgetId, start), start);
        return ledger.Snapshot(now);
    }

    private static long WindowMs(RateLimitDefinition definition) => Math.Max(1, (long)definition.Window.TotalMilliseconds);

    // Budget ids most specific first, each once (a key and its team may share a budget).
    private static List<string> Budgets(GovernanceSnapshot snapshot, VirtualKey key, Team? team, Customer? customer)
    {
        var budgets = new List<string>(3);
        foreach (var id in (ReadOnlySpan<string?>)[key.BudgetId, team?.BudgetId, customer?.BudgetId])
        {
            if (id is not null && snapshot.Budgets.ContainsKey(id) && !budgets.Contains(id))
            {
                budgets.Add(id);
            }
        }

        return budgets;
    }
}
