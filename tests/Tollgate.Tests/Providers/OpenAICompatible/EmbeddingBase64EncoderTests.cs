using System.Buffers.Binary;
using System.Text.Json;
using Tollgate.Inference;
using Tollgate.Pipeline;
using Tollgate.Providers.OpenAICompatible;

namespace Tollgate.Tests.Providers.OpenAICompatible;

public sealed class EmbeddingBase64EncoderTests
{
    [Fact]
    public void Rewrite_FloatVectors_BecomeLittleEndianFloat32Base64()
    {
        var json = """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1.25,3e-2]},{"object":"embedding","index":1,"embedding":[1]}],"model":"gte","usage":{"prompt_tokens":2,"total_tokens":2}}"""u8;
        using var output = new PooledBufferWriter();

        EmbeddingBase64Encoder.Rewrite(json, output);

        using var document = JsonDocument.Parse(output.WrittenMemory);
        var data = document.RootElement.GetProperty("data");
        var bytes = Convert.FromBase64String(data[0].GetProperty("embedding").GetString()!);
        Assert.Equal(12, bytes.Length);
        Assert.Equal(0.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes));
        Assert.Equal(-1.25f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4)));
        Assert.Equal(0.03f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(8)));
        Assert.Equal(1f, BinaryPrimitives.ReadSingleLittleEndian(Convert.FromBase64String(data[1].GetProperty("embedding").GetString()!)));
        Assert.Equal("gte", document.RootElement.GetProperty("model").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }
}
