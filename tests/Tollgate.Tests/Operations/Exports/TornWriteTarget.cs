using Tollgate.Operations.Exports;

namespace Tollgate.Tests.Operations.Exports;

/// <summary>
/// A real target that, at its Nth put, writes only the first half of the file under the key and then hangs until the
/// run is cancelled: the state a process killed mid-write leaves behind (a torn file, no manifest, no status written).
/// </summary>
internal sealed class TornWriteTarget(IExportTarget inner, int tearAtPut) : IExportTarget
{
    private int _puts;

    /// <summary>Completes once the torn half is in place and the put hangs.</summary>
    public TaskCompletionSource Torn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task PutAsync(string key, string localFile, string contentType, CancellationToken cancellationToken)
    {
        if (++_puts != tearAtPut)
        {
            await inner.PutAsync(key, localFile, contentType, cancellationToken);
            return;
        }

        var half = localFile + ".half";
        var bytes = await File.ReadAllBytesAsync(localFile, cancellationToken);
        await File.WriteAllBytesAsync(half, bytes[..(bytes.Length / 2)], cancellationToken);
        try
        {
            await inner.PutAsync(key, half, contentType, cancellationToken);
        }
        finally
        {
            File.Delete(half);
        }

        Torn.SetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    public string Locate(string key) => inner.Locate(key);

    public void Dispose() => inner.Dispose();
}
