using Tollgate.Providers;
using Tollgate.Routing;

namespace Tollgate.Tests.Routing;

public sealed class KeyHealthTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static void Fail(KeyHealth health, DateTimeOffset now, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.True(health.TryAcquire(now, out var probe));
            health.Completed(success: false, probe, TimeSpan.FromMilliseconds(10), now);
        }
    }

    [Fact]
    public void Circuit_Opens_CoolsDown_HalfOpens_AndClosesAfterProbes()
    {
        var options = HealthOptions.Default;
        var health = new KeyHealth("p", "k", 1, options);

        Fail(health, T0, options.FailureThreshold - 1);
        Assert.Equal(CircuitState.Closed, health.State);
        Fail(health, T0);
        Assert.Equal(CircuitState.Open, health.State);
        Assert.Equal(0, health.EffectiveWeight);
        Assert.False(health.IsAvailable(T0 + options.OpenCooldown - TimeSpan.FromSeconds(1)));
        Assert.False(health.TryAcquire(T0 + TimeSpan.FromSeconds(1), out _));

        var afterCooldown = T0 + options.OpenCooldown;
        var probes = new List<bool>();
        for (var i = 0; i < options.HalfOpenProbes; i++)
        {
            Assert.True(health.TryAcquire(afterCooldown, out var probe));
            probes.Add(probe);
        }

        Assert.Equal(CircuitState.HalfOpen, health.State);
        Assert.All(probes, Assert.True);
        Assert.False(health.TryAcquire(afterCooldown, out _));  // only that many probes at once
        foreach (var probe in probes)
        {
            health.Completed(success: true, probe, TimeSpan.FromMilliseconds(10), afterCooldown);
        }

        Assert.Equal(CircuitState.Closed, health.State);
    }

    [Fact]
    public void Circuit_FailedProbe_OpensAgain()
    {
        var options = HealthOptions.Default;
        var health = new KeyHealth("p", "k", 1, options);
        Fail(health, T0, options.FailureThreshold);
        var afterCooldown = T0 + options.OpenCooldown;

        Assert.True(health.TryAcquire(afterCooldown, out var probe));
        health.Completed(success: false, probe, TimeSpan.Zero, afterCooldown);

        Assert.Equal(CircuitState.Open, health.State);
        Assert.Equal(afterCooldown + options.OpenCooldown, health.OpenUntil);
    }

    [Fact]
    public void Success_ResetsConsecutiveFailures()
    {
        var health = new KeyHealth("p", "k", 1, HealthOptions.Default);
        Fail(health, T0, HealthOptions.Default.FailureThreshold - 1);
        health.TryAcquire(T0, out var probe);
        health.Completed(true, probe, TimeSpan.FromMilliseconds(5), T0);
        Fail(health, T0, HealthOptions.Default.FailureThreshold - 1);

        Assert.Equal(CircuitState.Closed, health.State);
    }

    [Fact]
    public void EffectiveWeight_DropsWithinSecondsOfErrors_AndRecoversGradually()
    {
        var options = HealthOptions.Default with { FailureThreshold = int.MaxValue };
        var keys = new[] { new KeyHealth("p", "bad", 1, options), new KeyHealth("p", "good", 1, options) };

        // Three seconds of half the calls failing on "bad".
        for (var second = 0; second < 3; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                keys[0].TryAcquire(T0, out var p0);
                keys[0].Completed(success: i % 2 == 0, p0, TimeSpan.FromMilliseconds(20), T0);
                keys[1].TryAcquire(T0, out var p1);
                keys[1].Completed(success: true, p1, TimeSpan.FromMilliseconds(20), T0);
            }

            HealthMonitor.Recompute(keys, T0);
        }

        Assert.True(keys[0].EffectiveWeight < 0.45, $"bad kept {keys[0].EffectiveWeight}");
        Assert.Equal(1, keys[1].EffectiveWeight, 3);

        // The upstream recovers: the weight climbs back over several seconds, not in one step.
        var history = new List<double>();
        for (var second = 0; second < 20; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                keys[0].TryAcquire(T0, out var p0);
                keys[0].Completed(success: true, p0, TimeSpan.FromMilliseconds(20), T0);
            }

            HealthMonitor.Recompute(keys, T0);
            history.Add(keys[0].EffectiveWeight);
        }

        Assert.True(history[0] < 0.7, $"jumped to {history[0]} at once");
        Assert.True(history[^1] > 0.95, $"only back to {history[^1]}");
        Assert.True(history.Zip(history.Skip(1)).All(p => p.Second >= p.First - 1e-9));
    }

    [Fact]
    public void Throttling_LowersTheWeightButDoesNotOpenTheCircuit()
    {
        var health = new KeyHealth("p", "k", 1, HealthOptions.Default);
        for (var i = 0; i < 20; i++)
        {
            Assert.True(health.TryAcquire(T0, out var probe));
            health.Completed(success: false, probe, TimeSpan.FromMilliseconds(5), T0, throttled: true);
        }

        HealthMonitor.Recompute([health], T0);

        Assert.Equal(CircuitState.Closed, health.State);
        Assert.True(health.EffectiveWeight < 0.5);
    }
}
