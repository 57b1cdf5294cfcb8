namespace Tollgate.Operations.Exports;

/// <summary>Files under a local directory; each lands by rename, so a reader never sees half a file.</summary>
internal sealed class DirectoryExportTarget(ExportDestinationConfig destination) : IExportTarget
{
    private readonly string _root = Path.GetFullPath(Path.Combine(destination.Path!, destination.Prefix));

    public async Task PutAsync(string key, string localFile, string contentType, CancellationToken cancellationToken)
    {
        var path = Locate(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        await using (var source = File.OpenRead(localFile))
        await using (var target = File.Create(temporary))
        {
            await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public string Locate(string key)
    {
        var path = Path.GetFullPath(Path.Combine(_root, key));
        // Keys are built from validated ids and dates; this is the belt to those braces.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"export key '{key}' leaves the destination directory");
        }

        return path;
    }

    public void Dispose()
    {
    }
}
