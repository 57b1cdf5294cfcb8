using BenchmarkDotNet.Attributes;
using Tollgate.Pipeline;

namespace Tollgate.Benchmarks;

/// <summary>
/// What the gateway does to every request body before forwarding it: read the routing fields (sniff), then copy the
/// body with the model rewritten and <c>stream_options</c> added (rewrite). The body is bench/mock/request.json with a
/// <c>provider/model</c> name, as the load harness sends it.
/// </summary>
[MemoryDiagnoser]
public class RequestBenchmarks
{
    private byte[] _chat = [];
    private byte[] _stream = [];
    private PooledBufferWriter _output = null!;

    [GlobalSetup]
    public void Setup()
    {
        var text = System.Text.Encoding.UTF8.GetString(Fixtures.Read("request.json"));
        _chat = System.Text.Encoding.UTF8.GetBytes(text.Replace("\"gpt-4o-mini\"", "\"mock/gpt-4o-mini\"", StringComparison.Ordinal));
        _stream = System.Text.Encoding.UTF8.GetBytes(
            text.Replace("\"gpt-4o-mini\"", "\"mock/gpt-4o-mini\",\"stream\":true", StringComparison.Ordinal));
        _output = new PooledBufferWriter(8192);
    }

    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    [Benchmark(Description = "RequestSniffer.TrySniff (chat, ~600 B)")]
    public bool Sniff() => RequestSniffer.TrySniff(_chat, out _, out _);

    [Benchmark(Description = "BodyRewriter.Rewrite (model)")]
    public int RewriteModel()
    {
        _output.Clear();
        BodyRewriter.Rewrite(_chat, new BodyRewrite { Model = "gpt-4o-mini" }, _output);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "BodyRewriter.Rewrite (model + stream_options)")]
    public int RewriteStream()
    {
        _output.Clear();
        BodyRewriter.Rewrite(_stream, new BodyRewrite { Model = "gpt-4o-mini", StreamOptions = StreamOptionsAction.ForceIncludeUsage }, _output);
        return _output.WrittenCount;
    }
}
