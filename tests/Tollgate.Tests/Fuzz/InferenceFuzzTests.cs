namespace Tollgate.Tests.Fuzz;

/// <summary>
/// Mutated bodies (issue 20) against every inference endpoint of a real gateway on loopback, the emulator behind it:
/// no gateway-written 5xx, every rejection a 4xx in the endpoint's error shape, no stream unless asked for.
/// </summary>
public sealed class InferenceFuzzTests(FuzzGatewayFixture fixture) : IClassFixture<FuzzGatewayFixture>
{
    /// <summary>Per endpoint in the suite: about a second or two on the 2-core box.</summary>
    private const int SuiteTries = 300;

    public static TheoryData<string> Targets => [.. FuzzTargets.Inference.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task MutatedBodies_AreAnsweredOrRejectedCleanly(string name)
    {
        var target = FuzzTargets.Inference.Single(t => t.Name == name);

        var report = await FuzzRunner.RunAsync(fixture.Gateway.Client, target, FuzzBudget.FromEnvironment(SuiteTries));

        Console.WriteLine(report.Summary);
        Assert.True(report.Failures.Count == 0, report.Details);
        // A fuzzer that never gets past validation tests nothing beyond it.
        Assert.True(report.Statuses.GetValueOrDefault(200) > 0, report.Summary);
    }
}
