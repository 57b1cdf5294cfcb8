using Tollgate.Operations.Exports;

namespace Tollgate.Tests.Operations.Exports;

/// <summary>A real target that dies at its Nth put, as a process killed mid-run would stop writing there.</summary>
internal sealed class FailingTarget(IExportTarget inner, int failAtPut) : IExportTarget
{
    private int _puts;

    public async Task PutAsync(string key, string localFile, string contentType, CancellationToken cancellationToken)
    {
        if (++_puts == failAtPut)
        {
            throw new IOException("simulated crash during put #" + failAtPut);
        }

        await inner.PutAsync(key, localFile, contentType, cancellationToken);
    }

    public string Locate(string key) => inner.Locate(key);

    public void Dispose() => inner.Dispose();
}
