using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Tollgate.Tests.Functional;

/// <summary>The three fuzz findings of issue 20, each pinned by the request that found it.</summary>
[Collection(GatewayCollection.Name)]
public sealed class HostileInputTests(GatewayFixture fixture)
{
    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        return content;
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("{}")]
    public async Task NonBooleanStream_Is400_AndNeverForwarded(string stream)
    {
        var value = stream == "yes" ? "\"yes\"" : stream;
        var mark = fixture.Emulator.Journal.Mark();

        using var response = await fixture.Client.PostAsync("/v1/chat/completions", Json(Encoding.UTF8.GetBytes(
            $$"""{"model":"openai/gpt-4o-mini","stream":{{value}},"messages":[{"role":"user","content":"hi"}]}""")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains("'stream' must be a boolean", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(fixture.Emulator.Journal.Since(mark));
    }

    [Fact]
    public async Task InvalidUtf8InModel_Is400InvalidUtf8()
    {
        byte[] body = [.. """{"model":"openai/gpt"""u8, 0xFF, 0xFE, .. "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"u8];

        using var response = await fixture.Client.PostAsync("/v1/chat/completions", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_utf8", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnpairedSurrogateInModel_OnAnthropic_Is400InAnthropicShape()
    {
        using var response = await fixture.Client.PostAsync("/anthropic/v1/messages", Json(Encoding.UTF8.GetBytes(
            """{"model":"anthropic/\ud800","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}""")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task ControlCharacterInAModelThatReachesAHeader_IsEscaped_AndTheAnswerIsWhole()
    {
        // local-vllm serves any model name, so the NUL and CR LF reach the upstream call and x-tollgate-model.
        using var response = await fixture.Client.PostAsync("/v1/chat/completions",
            Json("""{"model":"local-vllm/bad\u0000name\r\n","messages":[{"role":"user","content":"hi"}]}"""u8.ToArray()));

        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True((int)response.StatusCode < 500, Encoding.UTF8.GetString(body));
        Assert.Equal("bad%00name%0D%0A", response.Headers.GetValues("x-tollgate-model").Single());
        using var _ = JsonDocument.Parse(body);
    }
}
