using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Api;

/// <summary>"Only the base URL changes": drop-in paths route bare model names to their native provider.</summary>
[Collection(GatewayCollection.Name)]
public sealed class DropInPathTests(GatewayFixture fixture)
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact]
    public async Task DatabricksInvocations_ChatEndpoint_AnswersLikeDatabricks()
    {
        var mark = fixture.Emulator.Journal.Mark();

        using var response = await fixture.Client.PostAsync("/databricks/serving-endpoints/databricks-meta-llama-3-3-70b-instruct/invocations",
            Json("""{"messages":[{"role":"user","content":"mlflow says hi"}],"max_tokens":32}"""));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("mlflow says hi", JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("databricks", response.Headers.GetValues("x-tollgate-provider").Single());
        Assert.Contains(fixture.Emulator.Journal.Since(mark), e => e.PathAndQuery == "/databricks/serving-endpoints/databricks-meta-llama-3-3-70b-instruct/invocations");
    }

    [Fact]
    public async Task DatabricksInvocations_EmbeddingsEndpoint_IsAnEmbeddingsCall()
    {
        using var response = await fixture.Client.PostAsync("/databricks/serving-endpoints/databricks-gte-large-en/invocations",
            Json("""{"input":["alpha","beta"]}"""));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(2, JsonDocument.Parse(body).RootElement.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task DatabricksOpenAICompatiblePath_BareModel_GoesToDatabricks()
    {
        using var response = await fixture.Client.PostAsync("/databricks/serving-endpoints/chat/completions",
            Json("""{"model":"databricks-meta-llama-3-3-70b-instruct","messages":[{"role":"user","content":"sdk"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("databricks", response.Headers.GetValues("x-tollgate-provider").Single());
    }

    [Fact]
    public async Task OpenAIPath_BareModel_GoesToOpenAI_EvenWhenAnotherProviderServesIt()
    {
        // gpt-4o-mini is also an Azure deployment in the fixture; on /openai the bare name still means openai.
        using var dropIn = await fixture.Client.PostAsync("/openai/v1/chat/completions",
            Json("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"bare"}]}"""));

        Assert.Equal(HttpStatusCode.OK, dropIn.StatusCode);
        Assert.Equal("openai", dropIn.Headers.GetValues("x-tollgate-provider").Single());
    }
}
