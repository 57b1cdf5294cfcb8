using System.Diagnostics;
using System.Globalization;

namespace Tollgate.Bench.Tools;

/// <summary>
/// Opens <c>--count</c> concurrent SSE streams (at most <c>--open-concurrency</c> being set up at once, so listen
/// backlogs do not overflow) and holds each to its end. Prints <c>ready</c> once every stream has received its first
/// event (or <c>--ready-timeout</c> passed), which is when the harness reads the proxy's RSS, then a final line with
/// how many streams completed with <c>[DONE]</c>.
/// </summary>
internal static class StreamHolder
{
    public static async Task<int> RunAsync(Options options)
    {
        var count = (int)options.Number("count", 5000);
        var openConcurrency = (int)options.Number("open-concurrency", 200);
        var readyTimeout = TimeSpan.FromSeconds(options.Number("ready-timeout", 120));
        var body = await File.ReadAllBytesAsync(options.Text("body"));
        using var client = Options.Client(int.MaxValue);
        using var opening = new SemaphoreSlim(openConcurrency);
        var started = Stopwatch.StartNew();
        var firstEvents = 0;
        var failures = 0;
        var completed = 0;
        var allOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? firstError = null;

        async Task HoldOneAsync()
        {
            var released = false;
            await opening.WaitAsync();
            try
            {
                using var request = options.Request(body, stream: true);
                using var response = await client.SendAsync(request, CancellationToken.None);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"status {(int)response.StatusCode}");
                }

                await using var stream = await response.Content.ReadAsStreamAsync();
                var (_, done, _) = await StreamReading.ReadAsync(stream, () =>
                {
                    opening.Release();
                    released = true;
                    if (Interlocked.Increment(ref firstEvents) == count)
                    {
                        allOpen.TrySetResult();
                    }
                }, CancellationToken.None);
                if (done)
                {
                    Interlocked.Increment(ref completed);
                }
                else
                {
                    throw new HttpRequestException("stream ended without [DONE]");
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                Interlocked.CompareExchange(ref firstError, e.Message, null);
                if (Interlocked.Increment(ref failures) + Volatile.Read(ref firstEvents) >= count)
                {
                    allOpen.TrySetResult();
                }
            }
            finally
            {
                if (!released)
                {
                    opening.Release();
                }
            }
        }

        var tasks = new Task[count];
        for (var i = 0; i < count; i++)
        {
            tasks[i] = Task.Run(HoldOneAsync);
        }

        await Task.WhenAny(allOpen.Task, Task.Delay(readyTimeout));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TOLLGATE_BENCH_TOOL ready open={Volatile.Read(ref firstEvents)} failed={Volatile.Read(ref failures)} open_ms={started.ElapsedMilliseconds}"));
        await Task.WhenAll(tasks);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TOLLGATE_BENCH_TOOL done streams={count} completed={completed} failed={failures} total_ms={started.ElapsedMilliseconds} first_error=\"{firstError}\""));
        return 0;
    }
}
