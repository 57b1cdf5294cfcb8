using System.Globalization;

namespace Tollgate.Tests.Fuzz;

/// <summary>
/// How hard to fuzz. The suite uses a fixed seed and a small budget; <c>bench/fuzz.sh</c> sets
/// <c>TOLLGATE_FUZZ_TRIES</c> and <c>TOLLGATE_FUZZ_SEED</c> for a longer run.
/// </summary>
public sealed record FuzzBudget(int Tries, ulong Seed)
{
    /// <summary>The suite's seed: any fixed value, so a run is repeatable and a finding reproduces.</summary>
    public const ulong DefaultSeed = 20_2026;

    public static FuzzBudget FromEnvironment(int defaultTries) => new(
        int.TryParse(Environment.GetEnvironmentVariable("TOLLGATE_FUZZ_TRIES"), CultureInfo.InvariantCulture, out var tries) && tries > 0 ? tries : defaultTries,
        ulong.TryParse(Environment.GetEnvironmentVariable("TOLLGATE_FUZZ_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed);
}
