using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tollgate.Tests.Functional;

[Collection(GatewayCollection.Name)]
public sealed class EmbeddingsAndModelsTests(GatewayFixture fixture)
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<float[][]> EmbedAsync(string model, string? format)
    {
        var encoding = format is null ? "" : $",\"encoding_format\":\"{format}\"";
        using var response = await fixture.Client.PostAsync("/v1/embeddings", Json($$"""{"model":"{{model}}","input":["alpha","beta"]{{encoding}}}"""));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("data").EnumerateArray().Select(item =>
        {
            var embedding = item.GetProperty("embedding");
            if (format == "base64")
            {
                Assert.Equal(JsonValueKind.String, embedding.ValueKind);
                var bytes = Convert.FromBase64String(embedding.GetString()!);
                return Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
            }

            Assert.Equal(JsonValueKind.Array, embedding.ValueKind);
            return embedding.EnumerateArray().Select(v => v.GetSingle()).ToArray();
        }).ToArray();
    }

    [Theory]
    [InlineData("databricks/databricks-gte-large-en")]
    [InlineData("openai/text-embedding-3-small")]
    [InlineData("local-vllm/BAAI/bge-small-en")]
    public async Task Embeddings_Base64AndFloat_CarryTheSameVectors(string model)
    {
        var base64 = await EmbedAsync(model, "base64");
        var floats = await EmbedAsync(model, "float");

        Assert.Equal(2, base64.Length);
        Assert.Equal(floats.Length, base64.Length);
        for (var i = 0; i < floats.Length; i++)
        {
            Assert.True(floats[i].Length > 0);
            Assert.Equal(floats[i], base64[i]);
        }
    }

    [Fact]
    public async Task Embeddings_DatabricksBase64_IsEncodedLocallyNotForwarded()
    {
        var before = fixture.Emulator.Journal.Mark();

        await EmbedAsync("databricks/databricks-gte-large-en", "base64");

        var request = fixture.Emulator.Journal.Since(before).Single(e => e.Provider == "databricks");
        Assert.DoesNotContain("encoding_format", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_ListsConfiguredAndDiscoveredReadyModels()
    {
        using var response = await fixture.Client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("list", body.GetProperty("object").GetString());
        var ids = body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToHashSet();

        Assert.Contains("databricks/databricks-meta-llama-3-3-70b-instruct", ids);
        Assert.Contains("databricks/databricks-gte-large-en", ids);
        Assert.Contains("dbx-sp/databricks-meta-llama-3-3-70b-instruct", ids);
        Assert.DoesNotContain("databricks/my-custom-model", ids);  // NOT_READY
        Assert.Contains("local-vllm/meta-llama/Llama-3.1-8B-Instruct", ids);
        Assert.Contains("azure/gpt-4o-mini", ids);  // configured deployment
        Assert.Contains("anthropic/claude-sonnet-4-5", ids);
        var gte = body.GetProperty("data").EnumerateArray().First(m => m.GetProperty("id").GetString() == "databricks/databricks-gte-large-en");
        Assert.Equal("embeddings", gte.GetProperty("task").GetString());
    }

    [Fact]
    public async Task Models_AreCached_BetweenCalls()
    {
        await fixture.Client.GetAsync("/v1/models");
        var before = fixture.Emulator.Journal.Mark();

        using var response = await fixture.Client.GetAsync("/openai/v1/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(fixture.Emulator.Journal.Since(before));
    }

    [Fact]
    public async Task BareModelName_ResolvesWhenOneProviderServesIt()
    {
        await fixture.Client.GetAsync("/v1/models");

        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"meta-llama/Llama-3.1-8B-Instruct","messages":[{"role":"user","content":"bare"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("local-vllm", response.Headers.GetValues("x-tollgate-provider").Single());
    }

    [Fact]
    public async Task Health_And_Ready_Answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client.GetAsync("/health")).StatusCode);
        var ready = await fixture.Client.GetFromJsonAsync<JsonElement>("/ready");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
    }
}
