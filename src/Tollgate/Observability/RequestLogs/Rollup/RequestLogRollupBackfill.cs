using Microsoft.Extensions.Hosting;

namespace Tollgate.Observability.RequestLogs.Rollup;

/// <summary>
/// Rolls up, once, the entries written before this version kept a rollup: in chunks, each its own short transaction
/// with its checkpoint, so the writer waits at most one chunk and a restart resumes where the last chunk ended.
/// </summary>
internal sealed class RequestLogRollupBackfill(IRequestLogStore store, ILogger<RequestLogRollupBackfill> logger) : BackgroundService
{
    // Like retention's chunk (RequestLogRetention.ChunkSize): a chunk holds SQLite's write lock about as long as a batch.
    public const int ChunkSize = 2_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not RelationalRequestLogStore relational)
        {
            return;
        }

        await Task.Yield();
        var chunks = 0;
        try
        {
            while (await relational.BackfillRollupAsync(ChunkSize, stoppingToken).ConfigureAwait(false))
            {
                chunks++;
            }

            if (chunks > 0)
            {
                RequestLogLog.RollupBackfilled(logger, chunks + 1);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            RequestLogLog.RollupBackfillFailed(logger, ex);
        }
    }
}
