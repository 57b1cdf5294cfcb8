namespace Tollgate.Emulator;

/// <summary>Holds the active <see cref="FaultRule"/>s. Thread-safe; the no-rules case takes no lock because it is the benchmark's path.</summary>
public sealed class FaultInjector
{
    private readonly Lock _lock = new();
    private readonly List<ActiveFault> _active = [];
    private int _count;

    /// <summary>Number of rules that can still apply.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The rules that can still apply, in matching order.</summary>
    public IReadOnlyList<FaultRule> Rules
    {
        get
        {
            lock (_lock)
            {
                return _active.Select(a => a.Remaining < 0 ? a.Rule : a.Rule with { Times = a.Remaining }).ToArray();
            }
        }
    }

    public void Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (!(rule.Probability >= 0 && rule.Probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rule), rule.Probability, "FaultRule.Probability must be between 0 and 1.");
        }

        if (rule.Times == 0 || rule.Probability == 0)
        {
            return;
        }

        lock (_lock)
        {
            _active.Add(new ActiveFault(rule, rule.Times < 0 ? -1 : rule.Times));
            Volatile.Write(ref _count, _active.Count);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _active.Clear();
            Volatile.Write(ref _count, 0);
        }
    }

    /// <summary>
    /// Finds the first matching rule that fires (see <see cref="FaultRule.Probability"/>) and uses up one of its
    /// <see cref="FaultRule.Times"/>; a rule that matches but does not fire is skipped and keeps its count.
    /// </summary>
    internal FaultRule? TryTake(string provider, string pathAndQuery, string? credential, string? model, bool isStream)
    {
        if (Count == 0)
        {
            return null;
        }

        lock (_lock)
        {
            for (var i = 0; i < _active.Count; i++)
            {
                var active = _active[i];
                if (!Matches(active.Rule, provider, pathAndQuery, credential, model, isStream))
                {
                    continue;
                }

                if (active.Rule.Probability < 1 && Random.Shared.NextDouble() >= active.Rule.Probability)
                {
                    continue;
                }

                if (active.Remaining > 0 && --active.Remaining == 0)
                {
                    _active.RemoveAt(i);
                    Volatile.Write(ref _count, _active.Count);
                }

                return active.Rule;
            }
        }

        return null;
    }

    private static bool Matches(FaultRule rule, string provider, string pathAndQuery, string? credential, string? model, bool isStream)
    {
        if (rule.Provider is not null && !string.Equals(rule.Provider, provider, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (rule.PathContains is not null && !pathAndQuery.Contains(rule.PathContains, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (rule.KeyEquals is not null && !string.Equals(rule.KeyEquals, credential, StringComparison.Ordinal))
        {
            return false;
        }

        if (rule.ModelEquals is not null && !string.Equals(rule.ModelEquals, model, StringComparison.Ordinal))
        {
            return false;
        }

        // A drop-only rule means "cut a stream"; spending it on a non-streaming call would make tests flaky.
        var dropOnly = rule.DropStreamAfterEvents is not null && rule.Status == 0 && rule.DelayMs == 0;
        return !dropOnly || isStream;
    }

    private sealed class ActiveFault(FaultRule rule, int remaining)
    {
        public FaultRule Rule { get; } = rule;

        public int Remaining { get; set; } = remaining;
    }
}
