using System.ClientModel;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Tollgate.Tests.Functional;

namespace Tollgate.Tests.Sdk;

/// <summary>The official OpenAI .NET SDK, unmodified, pointed at Tollgate.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OpenAIDotNetSdkTests(GatewayFixture fixture)
{
    public static TheoryData<string> ChatModels => new()
    {
        "databricks/databricks-meta-llama-3-3-70b-instruct",
        "openai/gpt-4o-mini",
        "anthropic/claude-sonnet-4-5",
        "local-vllm/meta-llama/Llama-3.1-8B-Instruct",
    };

    private OpenAIClient Client(string prefix = "/v1") => new(new ApiKeyCredential("no-virtual-key"),
        new OpenAIClientOptions { Endpoint = new Uri(fixture.Gateway.BaseUrl + prefix), NetworkTimeout = TimeSpan.FromSeconds(30) });

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task CompleteChat_ReturnsTextAndUsage(string model)
    {
        ChatCompletion completion = await Client().GetChatClient(model).CompleteChatAsync([new UserChatMessage("hello from dotnet")]);

        Assert.Contains("hello from dotnet", completion.Content[0].Text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task CompleteChatStreaming_DeliversTextAndFinalUsage(string model)
    {
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        var options = new ChatCompletionOptions();
        await foreach (var update in Client("/openai/v1").GetChatClient(model).CompleteChatStreamingAsync([new UserChatMessage("stream from dotnet")], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.Contains("stream from dotnet", text.ToString(), StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.True(usage!.OutputTokenCount > 0);
    }

    [Theory]
    [MemberData(nameof(ChatModels))]
    public async Task Tools_CallAndAnswerRoundTrip(string model)
    {
        var chat = Client().GetChatClient(model);
        var options = new ChatCompletionOptions
        {
            Tools =
            {
                ChatTool.CreateFunctionTool("get_weather", "Current weather",
                    BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}""")),
            },
        };
        List<ChatMessage> messages = [new UserChatMessage("What is the weather in Paris?")];

        ChatCompletion first = await chat.CompleteChatAsync(messages, options);
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("Paris", JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("location").GetString());

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "cloudy"));
        ChatCompletion second = await chat.CompleteChatAsync(messages, options);
        Assert.Contains("cloudy", second.Content[0].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("databricks/databricks-gte-large-en")]
    [InlineData("openai/text-embedding-3-small")]
    public async Task Embeddings_DecodeToVectors(string model)
    {
        OpenAIEmbeddingCollection embeddings = await Client().GetEmbeddingClient(model).GenerateEmbeddingsAsync(["alpha", "beta"]);

        Assert.Equal(2, embeddings.Count);
        var vector = embeddings[0].ToFloats().ToArray();
        Assert.NotEmpty(vector);
        Assert.Contains(vector, v => v != 0);
        Assert.NotEqual(vector, embeddings[1].ToFloats().ToArray());
    }

    [Fact]
    public async Task Models_ListIncludesDiscoveredDatabricksEndpoints()
    {
        var models = await Client().GetOpenAIModelClient().GetModelsAsync();

        Assert.Contains(models.Value, m => m.Id == "databricks/databricks-meta-llama-3-3-70b-instruct");
    }

    [Fact]
    public async Task UnknownModel_SurfacesAsClientResultExceptionWith404()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() =>
            Client().GetChatClient("nosuch/model").CompleteChatAsync([new UserChatMessage("x")]));

        Assert.Equal(404, ex.Status);
    }
}
