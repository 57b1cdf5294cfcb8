using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Sdk;

/// <summary>Microsoft.Extensions.AI's <see cref="IChatClient"/> (the .NET ecosystem's standard) over Tollgate's /openai path.</summary>
[Collection(GatewayCollection.Name)]
public sealed class MicrosoftExtensionsAITests(GatewayFixture fixture)
{
    private IChatClient Client(string model) => new OpenAIClient(new ApiKeyCredential("no-virtual-key"),
            new OpenAIClientOptions { Endpoint = new Uri(fixture.Gateway.BaseUrl + "/openai/v1") })
        .GetChatClient(model)
        .AsIChatClient();

    [Theory]
    [InlineData("databricks/databricks-meta-llama-3-3-70b-instruct")]
    [InlineData("anthropic/claude-sonnet-4-5")]
    [InlineData("gpt-4o-mini")]
    public async Task StreamingWithTools_InvokesTheFunctionAndAnswersWithItsResult(string model)
    {
        var calls = 0;
        var weather = AIFunctionFactory.Create((string location) =>
        {
            calls++;
            return $"sunny in {location}";
        }, "get_weather", "Current weather for a location");
        using var chat = new ChatClientBuilder(Client(model)).UseFunctionInvocation().Build();

        var text = new System.Text.StringBuilder();
        await foreach (var update in chat.GetStreamingResponseAsync("What is the weather in Paris?", new ChatOptions { Tools = [weather] }))
        {
            text.Append(update.Text);
        }

        Assert.Equal(1, calls);
        Assert.Contains("sunny in Paris", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponse_ReportsUsage()
    {
        var response = await Client("openai/gpt-4o-mini").GetResponseAsync("hello from Microsoft.Extensions.AI");

        Assert.Contains("hello from Microsoft.Extensions.AI", response.Text, StringComparison.Ordinal);
        Assert.True(response.Usage?.OutputTokenCount > 0);
    }
}
