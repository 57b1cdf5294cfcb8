using Microsoft.Extensions.Time.Testing;
using Tollgate.Governance.Limits;

namespace Tollgate.Tests.Governance.Limits;

public sealed class TokenBucketTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 14, 15, 0, 0, TimeSpan.Zero);

    private static (TokenBucket Bucket, FakeTimeProvider Time) Bucket(long limit, TimeSpan window)
    {
        var time = new FakeTimeProvider(Start);
        return (new TokenBucket("rl-test", new RateLimitDefinition(limit, window), time.GetUtcNow()), time);
    }

    [Fact]
    public void TryTake_BurstUpToLimit_ThenDeniesWithExactRetryAfter()
    {
        var (bucket, time) = Bucket(10, TimeSpan.FromSeconds(1));

        for (var i = 9; i >= 0; i--)
        {
            var taken = bucket.TryTake(1, time.GetUtcNow());
            Assert.True(taken.Allowed);
            Assert.Equal(i, taken.Remaining);
        }

        var denied = bucket.TryTake(1, time.GetUtcNow());
        Assert.Equal(new RateLimitDecision(false, false, 10, 0, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)), denied);

        // One tick early is still too early; exactly Retry-After later passes.
        time.Advance(denied.RetryAfter - TimeSpan.FromTicks(1));
        Assert.Equal(TimeSpan.FromTicks(1), bucket.TryTake(1, time.GetUtcNow()).RetryAfter);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(bucket.TryTake(1, time.GetUtcNow()).Allowed);
    }

    [Fact]
    public void TryTake_RateThatDoesNotDivideTheWindow_StillBurstsTheFullLimit_AndRetryAfterIsExact()
    {
        var (bucket, time) = Bucket(3, TimeSpan.FromSeconds(1));

        Assert.True(bucket.TryTake(1, time.GetUtcNow()).Allowed);
        Assert.True(bucket.TryTake(1, time.GetUtcNow()).Allowed);
        Assert.True(bucket.TryTake(1, time.GetUtcNow()).Allowed);

        var denied = bucket.TryTake(1, time.GetUtcNow());
        Assert.False(denied.Allowed);
        Assert.Equal(TimeSpan.FromTicks(3_333_334), denied.RetryAfter); // ceil(1 s / 3) to the tick

        time.Advance(denied.RetryAfter);
        Assert.True(bucket.TryTake(1, time.GetUtcNow()).Allowed);
    }

    [Fact]
    public void TryTake_RefillsContinuously_AndADeniedTakeTakesNothing()
    {
        var (bucket, time) = Bucket(10, TimeSpan.FromSeconds(1));
        Assert.True(bucket.TryTake(10, time.GetUtcNow()).Allowed);

        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(5, bucket.GetAvailable(time.GetUtcNow()));

        var denied = bucket.TryTake(7, time.GetUtcNow());
        Assert.False(denied.Allowed);
        Assert.Equal(5, denied.Remaining);
        Assert.Equal(TimeSpan.FromMilliseconds(200), denied.RetryAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(500), denied.ResetAfter);

        var taken = bucket.TryTake(5, time.GetUtcNow());
        Assert.True(taken.Allowed);
        Assert.Equal(0, taken.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(1), taken.ResetAfter);

        time.Advance(TimeSpan.FromHours(1)); // a long pause refills to capacity, never beyond
        Assert.Equal(10, bucket.GetAvailable(time.GetUtcNow()));
    }

    [Fact]
    public void TryTake_MoreThanTheWholeBucket_IsFlaggedAsNeverPassing_AndTakesNothing()
    {
        var (bucket, time) = Bucket(10, TimeSpan.FromSeconds(1));

        var decision = bucket.TryTake(11, time.GetUtcNow());

        Assert.Equal(new RateLimitDecision(false, true, 10, 10, TimeSpan.Zero, TimeSpan.Zero), decision);
        Assert.Equal(10, bucket.GetAvailable(time.GetUtcNow()));
        Assert.True(bucket.TryTake(10, time.GetUtcNow()).Allowed);
        Assert.True(bucket.TryTake(11, time.GetUtcNow()).ExceedsCapacity);
    }

    [Fact]
    public void Adjust_UsageAboveEstimate_CreatesDebtRepaidByRefill()
    {
        var (bucket, time) = Bucket(1_000, TimeSpan.FromMinutes(1)); // 60 ms per token
        Assert.True(bucket.TryTake(1_000, time.GetUtcNow()).Allowed);

        bucket.Adjust(500, time.GetUtcNow()); // the call used 1500 tokens, not the 1000 estimated

        Assert.Equal(-500, bucket.GetAvailable(time.GetUtcNow()));
        var denied = bucket.TryTake(1, time.GetUtcNow());
        Assert.False(denied.Allowed);
        Assert.False(denied.ExceedsCapacity);
        Assert.Equal(0, denied.Remaining);
        Assert.Equal(TimeSpan.FromMilliseconds(501 * 60), denied.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(90), denied.ResetAfter);

        time.Advance(denied.RetryAfter);
        Assert.True(bucket.TryTake(1, time.GetUtcNow()).Allowed);
    }

    [Fact]
    public void Adjust_UsageBelowEstimate_GivesBack_ButNeverAboveCapacity()
    {
        var (bucket, time) = Bucket(1_000, TimeSpan.FromMinutes(1));
        Assert.True(bucket.TryTake(800, time.GetUtcNow()).Allowed);

        bucket.Adjust(-300, time.GetUtcNow());
        Assert.Equal(500, bucket.GetAvailable(time.GetUtcNow()));

        bucket.Adjust(-10_000, time.GetUtcNow());
        Assert.Equal(1_000, bucket.GetAvailable(time.GetUtcNow()));
    }

    [Fact]
    public void TryTake_ZeroWhileInDebt_IsDeniedUntilDebtIsRepaid()
    {
        var (bucket, time) = Bucket(10, TimeSpan.FromSeconds(1));
        bucket.Adjust(12, time.GetUtcNow());

        var denied = bucket.TryTake(0, time.GetUtcNow());

        Assert.False(denied.Allowed);
        Assert.Equal(TimeSpan.FromMilliseconds(200), denied.RetryAfter);
    }

    [Fact]
    public void Update_NewLimit_KeepsTokensAlreadyConsumed()
    {
        var (bucket, time) = Bucket(10, TimeSpan.FromSeconds(1));
        Assert.True(bucket.TryTake(6, time.GetUtcNow()).Allowed);

        bucket.Update(new RateLimitDefinition(20, TimeSpan.FromSeconds(1)), time.GetUtcNow());
        Assert.Equal(14, bucket.GetAvailable(time.GetUtcNow()));
        Assert.Equal(20, bucket.Definition.Limit);

        bucket.Update(new RateLimitDefinition(4, TimeSpan.FromSeconds(1)), time.GetUtcNow());
        Assert.Equal(-2, bucket.GetAvailable(time.GetUtcNow()));
        var denied = bucket.TryTake(1, time.GetUtcNow());
        Assert.Equal(TimeSpan.FromMilliseconds(750), denied.RetryAfter); // 3 tokens at 250 ms each

        time.Advance(TimeSpan.FromMilliseconds(750));
        Assert.True(bucket.TryTake(1, time.GetUtcNow()).Allowed);
    }

    [Fact]
    public async Task TryTake_200ConcurrentCallersOnFrozenClock_AdmitExactlyTheLimit()
    {
        var (bucket, time) = Bucket(50, TimeSpan.FromMinutes(1));
        var now = time.GetUtcNow();
        var allowed = 0;

        await Concurrently.RunAsync(200, _ =>
        {
            if (bucket.TryTake(1, now).Allowed)
            {
                Interlocked.Increment(ref allowed);
            }
        });

        Assert.Equal(50, allowed);
        Assert.Equal(0, bucket.GetAvailable(now));
    }

    [Fact]
    public async Task TryTake_ConcurrentWithDefinitionEdits_LosesNoTake()
    {
        // Edits keep the consumed count, so whatever the interleaving, 200 takes of 1 leave 1000 - 200 available.
        var (bucket, time) = Bucket(1_000, TimeSpan.FromMinutes(1));
        var now = time.GetUtcNow();

        await Concurrently.RunAsync(200, i =>
        {
            if (i % 20 == 0)
            {
                bucket.Update(new RateLimitDefinition(1_000, TimeSpan.FromMinutes(1 + (i / 20))), now);
            }

            Assert.True(bucket.TryTake(1, now).Allowed);
        });

        Assert.Equal(800, bucket.GetAvailable(now));
    }

    [Fact]
    public void RateLimitDefinition_RejectsNonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitDefinition(0, TimeSpan.FromMinutes(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitDefinition(10, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateLimitDefinition(2_000_000_000, TimeSpan.FromSeconds(1)));
        Assert.Equal(new RateLimitDefinition(600, TimeSpan.FromMinutes(1)), new RateLimitDefinition(600, TimeSpan.FromSeconds(60)));
    }
}
