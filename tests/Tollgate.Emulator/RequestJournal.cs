namespace Tollgate.Emulator;

/// <summary>
/// Every provider request the emulator received, newest last. Bounded so a long benchmark run does not grow
/// without limit; tests that count attempts should <see cref="Clear"/> first and stay well under the capacity.
/// </summary>
public sealed class RequestJournal
{
    public const int DefaultCapacity = 10_000;

    private readonly Lock _lock = new();
    private readonly Queue<JournalEntry> _entries = new();
    private long _sequence;

    public RequestJournal(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Entries currently kept.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>All requests ever recorded, including ones the bound has dropped or <see cref="Clear"/> removed.</summary>
    public long TotalRecorded => Interlocked.Read(ref _sequence);

    /// <summary>A snapshot, oldest first.</summary>
    public IReadOnlyList<JournalEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return _entries.ToArray();
            }
        }
    }

    /// <summary>A snapshot of one provider's entries, oldest first.</summary>
    public IReadOnlyList<JournalEntry> For(string provider) =>
        Entries.Where(e => string.Equals(e.Provider, provider, StringComparison.OrdinalIgnoreCase)).ToArray();

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }

    internal JournalEntry Record(
        string provider, string method, string pathAndQuery, IReadOnlyDictionary<string, string> headers, string body, string? credential, DateTimeOffset time)
    {
        lock (_lock)
        {
            // Sequence is taken under the lock so entry order and numbering agree.
            var entry = new JournalEntry(++_sequence, provider, method, pathAndQuery, headers, body, credential, time);
            _entries.Enqueue(entry);
            while (_entries.Count > Capacity)
            {
                _entries.Dequeue();
            }

            return entry;
        }
    }
}
