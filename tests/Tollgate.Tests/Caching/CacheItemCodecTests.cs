using System.Text;
using Tollgate.Caching;
using Tollgate.Inference;
using Tollgate.Pipeline;

namespace Tollgate.Tests.Caching;

public sealed class CacheItemCodecTests
{
    [Theory]
    [InlineData(null, 1234L)]
    [InlineData("messages", null)]
    public void EncodeThenDecode_GivesTheSameItem(string? native, long? cost)
    {
        var payload = Encoding.UTF8.GetBytes("data: {\"choices\":[]}\n\n");
        var item = new CacheItem(new StoredAnswer
        {
            Format = StoredAnswerFormat.Stream,
            NativeDialect = native,
            Provider = "openai",
            Model = "gpt-4o-mini",
            Usage = new TokenUsage(11, 7, 3, 1),
            CostNano = cost,
            Payload = payload,
        }, 1_764_000_000_123);

        var decoded = CacheItemCodec.Decode(CacheItemCodec.Encode(item))!;

        Assert.Equal(item.ExpiresAtMs, decoded.ExpiresAtMs);
        var (a, b) = (item.Answer, decoded.Answer);
        Assert.Equal((a.Format, a.NativeDialect, a.Provider, a.Model, a.Usage, a.CostNano), (b.Format, b.NativeDialect, b.Provider, b.Model, b.Usage, b.CostNano));
        Assert.Equal(payload, b.Payload.ToArray());
    }

    [Fact]
    public void Decode_RefusesOtherVersionsAndTruncatedBytes()
    {
        var bytes = CacheItemCodec.Encode(new CacheItem(new StoredAnswer { Format = StoredAnswerFormat.Json, Provider = "p", Model = "m", Payload = new byte[10] }, 1));
        var other = (byte[])bytes.Clone();
        other[0] = 99;

        Assert.Null(CacheItemCodec.Decode(other));
        Assert.Null(CacheItemCodec.Decode(bytes.AsMemory(0, bytes.Length - 5)));
    }
}
