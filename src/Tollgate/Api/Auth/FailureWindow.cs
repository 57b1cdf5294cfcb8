namespace Tollgate.Api.Auth;

/// <summary>The failed sign-in times of one username or client address within the throttle's window.</summary>
internal sealed class FailureWindow
{
    private readonly Lock _lock = new();
    private readonly Queue<DateTimeOffset> _failures = new();

    public void Add(DateTimeOffset at)
    {
        lock (_lock)
        {
            _failures.Enqueue(at);
        }
    }

    /// <summary>Drops failures older than <paramref name="windowStart"/>; returns how many remain and the oldest of them.</summary>
    public (int Count, DateTimeOffset Oldest) Trim(DateTimeOffset windowStart)
    {
        lock (_lock)
        {
            while (_failures.TryPeek(out var first) && first <= windowStart)
            {
                _failures.Dequeue();
            }

            return (_failures.Count, _failures.TryPeek(out var oldest) ? oldest : default);
        }
    }
}
