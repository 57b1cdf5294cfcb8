namespace Tollgate.Benchmarks;

/// <summary>The bench/mock files, copied next to the assembly, so micro and load benchmarks use the same bytes.</summary>
internal static class Fixtures
{
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", name));
}
