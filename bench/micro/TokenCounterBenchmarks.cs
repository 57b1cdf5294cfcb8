using BenchmarkDotNet.Attributes;
using Microsoft.ML.Tokenizers;
using Tollgate.Governance.Pricing;

namespace Tollgate.Benchmarks;

/// <summary>
/// Token counting for budget reservations: Tollgate's compact o200k counter against Microsoft.ML.Tokenizers'
/// TiktokenTokenizer (which it replaced to save ~50 MB of memory), on ~2 KB of prose and of code, each one sentence
/// repeated. The library caches pieces it has seen (as it would in real traffic); the counter does not, and the
/// estimator's own cache of whole strings is not involved. 2026-11-23, --job short: prose 23.6 vs 34.2 µs, code 56.2 vs
/// 40.9 µs, the counter allocating nothing.
/// </summary>
[MemoryDiagnoser]
public class TokenCounterBenchmarks
{
    private const string Prose = "The gateway reserves the worst case before a request is sent, then settles the real cost when the answer comes back. ";
    private const string Code = "def settle(ledger, reservation, usage):\n    cost = price(usage.prompt_tokens, usage.completion_tokens)\n    ledger.release(reservation)\n    ledger.charge(cost)\n";

    private O200kTokenCounter _counter = null!;
    private Tokenizer _reference = null!;
    private string _prose = "";
    private string _code = "";

    [GlobalSetup]
    public void Setup()
    {
        _counter = O200kTokenCounter.Load();
        _reference = TiktokenTokenizer.CreateForModel("gpt-4o");
        _prose = string.Concat(Enumerable.Repeat(Prose, 18));
        _code = string.Concat(Enumerable.Repeat(Code, 14));
    }

    [Benchmark(Description = "O200kTokenCounter (prose, 2 KB)")]
    public int CounterProse() => _counter.CountTokens(_prose);

    [Benchmark(Description = "TiktokenTokenizer (prose, 2 KB)")]
    public int ReferenceProse() => _reference.CountTokens(_prose);

    [Benchmark(Description = "O200kTokenCounter (code, 2 KB)")]
    public int CounterCode() => _counter.CountTokens(_code);

    [Benchmark(Description = "TiktokenTokenizer (code, 2 KB)")]
    public int ReferenceCode() => _reference.CountTokens(_code);
}
