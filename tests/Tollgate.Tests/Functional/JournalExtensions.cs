using Tollgate.Emulator;

namespace Tollgate.Tests.Functional;

internal static class JournalExtensions
{
    /// <summary>The journal's position now, to ask later what arrived since.</summary>
    public static long Mark(this RequestJournal journal) => journal.TotalRecorded;

    public static IReadOnlyList<JournalEntry> Since(this RequestJournal journal, long mark) =>
        journal.Entries.Where(e => e.Sequence > mark).ToList();
}
