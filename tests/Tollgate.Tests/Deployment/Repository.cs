namespace Tollgate.Tests.Deployment;

/// <summary>Paths in the repository the tests run from (deploy/ is not copied next to the test assembly).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Tollgate.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tollgate.slnx not found above " + AppContext.BaseDirectory);
    }
}
