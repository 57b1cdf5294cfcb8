using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Caching;
using Tollgate.Emulator;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Caching;

/// <summary>With no <c>cache</c> section the cache's request stage allocates nothing and touches nothing (exact, per thread).</summary>
public sealed class CacheOffCostTests
{
    [Fact]
    public async Task CachingOff_TheLookupStageAllocatesNothing()
    {
        await using var emulator = await EmulatorHost.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(GatewayFixture.BuildConfig(emulator));
        var stage = gateway.Services.GetRequiredService<CacheRequestStage>();
        var request = new InferenceRequest(new DefaultHttpContext(), InferenceOperation.ChatCompletions, new EntryPoint(null!, null), default,
            """{"model":"openai/gpt-4o-mini","messages":[]}"""u8.ToArray(), default, null, null, "req-1", 0) { RoutedModel = "openai/gpt-4o-mini" };

        void Lookups()
        {
            for (var i = 0; i < 1_000; i++)
            {
                var pending = stage.OnRequestAsync(request, CancellationToken.None);
                Assert.True(pending.IsCompletedSuccessfully);
                Assert.Null(pending.Result);
            }
        }

        Lookups();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Lookups();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Null(request.Recorder);
        Assert.Null(request.CacheStatus);
    }
}
