namespace Tollgate.Storage;

/// <summary>
/// Runs a blocking store call (SQLite, synchronous Npgsql) on a thread of its own. A batch of a few thousand rows
/// takes tens of milliseconds; on a thread-pool worker that is one of the two workers a 2-core box serves requests
/// with, and the pool's answer (injecting more threads) costs CPU on every request after. Batches are written a few
/// times a second, so a thread per batch costs nothing measurable.
/// </summary>
internal static class BlockingStorageWork
{
    public static Task Run(Action work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
