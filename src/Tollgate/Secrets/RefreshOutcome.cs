namespace Tollgate.Secrets;

/// <summary>What one refresh of a store found: paths whose value changed, and paths that could not be read.</summary>
internal sealed record RefreshOutcome(IReadOnlyList<string> Changed, IReadOnlyList<(string Path, string Error)> Failed);
