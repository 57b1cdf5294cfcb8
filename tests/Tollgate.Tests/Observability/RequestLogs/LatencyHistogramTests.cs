using Tollgate.Observability.RequestLogs;

namespace Tollgate.Tests.Observability.RequestLogs;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_OfAWideRange_AreWithinOnePercentOfNearestRank()
    {
        var histogram = new LatencyHistogram();
        var values = Enumerable.Range(1, 20_000).Select(i => i * 0.75).ToList();
        foreach (var value in values.OrderBy(v => v.GetHashCode()))
        {
            histogram.Add(value);
        }

        foreach (var p in new[] { 0.01, 0.5, 0.9, 0.95, 0.99, 1.0 })
        {
            var exact = values[(int)Math.Ceiling(p * values.Count) - 1];
            Assert.InRange(histogram.Percentile(p), exact * 0.99, exact * 1.01);
        }
    }

    [Fact]
    public void Percentile_OfOneValue_IsThatValue_AndOfNothingIsZero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.Percentile(0.5));

        histogram.Add(123.456);

        Assert.Equal(123.456, histogram.Percentile(0.5));
        Assert.Equal(123.456, histogram.Percentile(0.95));
    }

    [Fact]
    public void Extremes_LandInTheEndBuckets_WithoutThrowing()
    {
        var histogram = new LatencyHistogram();
        histogram.Add(0);
        histogram.Add(1e12);

        Assert.Equal(0, histogram.Percentile(0.5));
        Assert.Equal(1e12, histogram.Percentile(1.0));
    }
}
