namespace Tollgate.Tests.Governance.Limits;

/// <summary>Runs callers on real threads released together, to make them race on the counters.</summary>
internal static class Concurrently
{
    public static async Task RunAsync(int callers, Action<int> body)
    {
        // Every caller blocks on the barrier until all have arrived. On the thread pool (Task.Run) that would wait
        // for the pool to grow to 200 threads, one injection at a time; LongRunning gives each caller its own thread.
        using var barrier = new Barrier(callers);
        var tasks = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            var index = i;
            tasks[i] = Task.Factory.StartNew(
                () =>
                {
                    barrier.SignalAndWait();
                    body(index);
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        await Task.WhenAll(tasks);
    }
}
