namespace Tollgate.Operations.Exports;

/// <summary>A destination's storage: puts a finished local file under a key, replacing what the key held.</summary>
internal interface IExportTarget : IDisposable
{
    /// <summary>Replacing, never appending: a window re-exported after a crash overwrites its own files, so nothing doubles.</summary>
    Task PutAsync(string key, string localFile, string contentType, CancellationToken cancellationToken);

    /// <summary>Where <paramref name="key"/> lives, for the run's record (a path, or <c>s3://bucket/key</c>).</summary>
    string Locate(string key);
}
