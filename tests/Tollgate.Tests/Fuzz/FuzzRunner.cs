using System.Collections.Concurrent;
using CsCheck;

namespace Tollgate.Tests.Fuzz;

/// <summary>
/// Draws mutation lists from <see cref="BodyMutator.Mutations"/> with a seeded PCG (so a run repeats exactly), sends each
/// mutated body and checks the answer with <see cref="ResponseOracle"/>. A few requests run at once, as clients would.
/// </summary>
public static class FuzzRunner
{
    private const int Parallelism = 4;

    public static async Task<FuzzReport> RunAsync(HttpClient client, FuzzTarget target, FuzzBudget budget, Action<HttpRequestMessage>? prepare = null)
    {
        // One PCG stream per target, so adding a target does not change what the others draw.
        var pcg = new PCG((uint)StringComparer.Ordinal.GetHashCode(target.Name) & 0x7FFF_FFFF, budget.Seed);
        var cases = new List<(int Index, byte[] Body)>(budget.Tries);
        for (var i = 0; i < budget.Tries; i++)
        {
            var mutations = BodyMutator.Mutations.Generate(pcg, null, out _);
            cases.Add((i, BodyMutator.Apply(target.Seeds[i % target.Seeds.Count], mutations)));
        }

        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (item, ct) =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(target.Method), target.Path)
            {
                Content = new ByteArrayContent(item.Body),
            };
            request.Content.Headers.ContentType = new("application/json");
            prepare?.Invoke(request);
            string? failure;
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                failure = ResponseOracle.Check(target, item.Body, response, body);
            }
            catch (HttpRequestException ex)
            {
                failure = $"the response broke off: {ex.Message}";
            }

            if (failure is not null)
            {
                failures.Add($"{target.Method} {target.Path} try {item.Index} (seed {budget.Seed}): {failure}\n    body: {BodyMutator.Describe(item.Body)}");
            }
        });
        return new FuzzReport(target, budget.Tries, [.. failures.OrderBy(f => f, StringComparer.Ordinal)], new Dictionary<int, int>(statuses));
    }
}
