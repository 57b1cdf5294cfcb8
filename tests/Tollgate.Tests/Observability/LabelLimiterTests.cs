using Tollgate.Observability.Metrics;

namespace Tollgate.Tests.Observability;

public sealed class LabelLimiterTests
{
    [Fact]
    public void Admit_BeyondTheLimit_ReportsOther()
    {
        var limiter = new LabelLimiter(3);

        Assert.Equal("a", limiter.Admit("a"));
        Assert.Equal("b", limiter.Admit("b"));
        Assert.Equal("c", limiter.Admit("c"));
        Assert.Equal(LabelLimiter.Other, limiter.Admit("d"));
        Assert.Equal(3, limiter.Count);
    }

    [Fact]
    public void Admit_KnownValue_StaysAdmittedAfterTheLimitIsReached()
    {
        var limiter = new LabelLimiter(2);
        limiter.Admit("a");
        limiter.Admit("b");

        Assert.Equal(LabelLimiter.Other, limiter.Admit("c"));
        Assert.Equal("a", limiter.Admit("a"));
        Assert.Equal("b", limiter.Admit("b"));
    }

    [Fact]
    public void Admit_NullOrEmpty_IsEmptyAndTakesNoSlot()
    {
        var limiter = new LabelLimiter(1);

        Assert.Equal(string.Empty, limiter.Admit(null));
        Assert.Equal(string.Empty, limiter.Admit(string.Empty));
        Assert.Equal("x", limiter.Admit("x"));
        Assert.Equal(1, limiter.Count);
    }

    [Fact]
    public void MaxValues_Lowered_KeepsAdmittedValuesAndRefusesNewOnes()
    {
        var limiter = new LabelLimiter(5);
        limiter.Admit("a");
        limiter.Admit("b");

        limiter.MaxValues = 1;

        Assert.Equal("b", limiter.Admit("b"));
        Assert.Equal(LabelLimiter.Other, limiter.Admit("c"));
    }

    [Fact]
    public async Task Admit_ConcurrentNewValues_NeverAdmitsMoreThanTheLimit()
    {
        var limiter = new LabelLimiter(50);
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                limiter.Admit($"v{t}-{i}");
            }
        }));

        await Task.WhenAll(tasks);

        Assert.Equal(50, limiter.Count);
    }
}
