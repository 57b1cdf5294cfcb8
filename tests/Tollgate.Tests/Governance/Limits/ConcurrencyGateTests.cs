using Tollgate.Governance.Limits;

namespace Tollgate.Tests.Governance.Limits;

public sealed class ConcurrencyGateTests
{
    [Fact]
    public void TryEnter_UpToMax_ThenRefuses_UntilOneExits()
    {
        var gate = new ConcurrencyGate("vk-app", 2);

        Assert.True(gate.TryEnter());
        Assert.True(gate.TryEnter());
        Assert.False(gate.TryEnter());
        Assert.Equal(2, gate.Current);

        gate.Exit();
        Assert.Equal(1, gate.Current);
        Assert.True(gate.TryEnter());
    }

    [Fact]
    public void Exit_WithoutEnter_ThrowsAndLeavesTheCountIntact()
    {
        var gate = new ConcurrencyGate("vk-app", 1);

        Assert.Throws<InvalidOperationException>(gate.Exit);

        Assert.Equal(0, gate.Current);
        Assert.True(gate.TryEnter());
        Assert.False(gate.TryEnter());
    }

    [Fact]
    public void SetMaxInFlight_Lowered_StopsNewCallsUntilBelowTheNewMax()
    {
        var gate = new ConcurrencyGate("vk-app", 3);
        Assert.True(gate.TryEnter());
        Assert.True(gate.TryEnter());

        gate.SetMaxInFlight(1);

        Assert.False(gate.TryEnter());
        gate.Exit();
        Assert.False(gate.TryEnter());
        gate.Exit();
        Assert.True(gate.TryEnter());

        gate.SetMaxInFlight(0);
        gate.Exit();
        Assert.False(gate.TryEnter()); // 0 pauses the key
    }

    [Fact]
    public async Task TryEnter_200ConcurrentCallers_NeverExceedMax()
    {
        const int max = 5;
        var gate = new ConcurrencyGate("vk-app", max);
        var inside = 0;
        var peak = 0;
        var entered = 0;

        await Concurrently.RunAsync(200, _ =>
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                if (!gate.TryEnter())
                {
                    continue;
                }

                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref peak, now);
                Interlocked.Increment(ref entered);
                Thread.SpinWait(20);
                Interlocked.Decrement(ref inside);
                gate.Exit();
            }
        });

        Assert.InRange(peak, 1, max);
        Assert.True(entered > 0);
        Assert.Equal(0, gate.Current);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
