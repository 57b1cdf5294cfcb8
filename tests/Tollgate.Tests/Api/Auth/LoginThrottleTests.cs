using Microsoft.Extensions.Time.Testing;
using Tollgate.Api.Auth;

namespace Tollgate.Tests.Api.Auth;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly LoginThrottle _throttle;

    public LoginThrottleTests() => _throttle = new LoginThrottle(_time);

    [Fact]
    public void FiveFailuresForAUsername_BlockIt_UntilTheOldestLeavesTheWindow()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(_throttle.RetryAfterSeconds("alice", $"10.0.0.{i}"));
            _throttle.RecordFailure("alice", $"10.0.0.{i}");
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        // From a fresh address too, and whatever the case of the name.
        Assert.Equal(10 * 60, _throttle.RetryAfterSeconds("ALICE", "10.9.9.9"));
        Assert.Null(_throttle.RetryAfterSeconds("bob", "10.9.9.9"));

        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(1, _throttle.RetryAfterSeconds("alice", "10.9.9.9"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(_throttle.RetryAfterSeconds("alice", "10.9.9.9"));
    }

    [Fact]
    public void FiveFailuresFromAnAddress_BlockIt_ForEveryUsername()
    {
        for (var i = 0; i < 5; i++)
        {
            _throttle.RecordFailure($"user{i}", "192.0.2.7");
        }

        Assert.Equal(15 * 60, _throttle.RetryAfterSeconds("someone-else", "192.0.2.7"));
        Assert.Null(_throttle.RetryAfterSeconds("someone-else", "192.0.2.8"));
    }

    [Fact]
    public void FourFailures_DoNotBlock_AndASuccessClearsTheUsername()
    {
        for (var i = 0; i < 4; i++)
        {
            _throttle.RecordFailure("carol", $"10.1.0.{i}");
        }

        Assert.Null(_throttle.RetryAfterSeconds("carol", "10.1.1.1"));
        _throttle.Reset("carol");
        _throttle.RecordFailure("carol", "10.1.2.1");
        Assert.Null(_throttle.RetryAfterSeconds("carol", "10.1.1.1"));
    }
}
