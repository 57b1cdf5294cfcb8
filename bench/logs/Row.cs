namespace Tollgate.Bench.Logs;

/// <summary>One query shape's sorted timings (ms) and, for list and stats shapes, the database's plan.</summary>
internal sealed record Row(string Name, double[] Timings, string? Plan)
{
    public double Median => Timings[Timings.Length / 2];

    public double Max => Timings[^1];
}
