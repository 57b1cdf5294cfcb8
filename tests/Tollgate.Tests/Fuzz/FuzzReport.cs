namespace Tollgate.Tests.Fuzz;

/// <summary>What one target's run found, and the statuses it saw (a run that only ever sees 400 fuzzes nothing past the sniffer).</summary>
public sealed record FuzzReport(FuzzTarget Target, int Tries, IReadOnlyList<string> Failures, IReadOnlyDictionary<int, int> Statuses)
{
    public string Summary =>
        $"{Target.Name}: {Tries} tries, {Failures.Count} failures, statuses {string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}";

    public string Details => Summary + (Failures.Count == 0 ? "" : "\n" + string.Join("\n", Failures.Take(8)));
}
