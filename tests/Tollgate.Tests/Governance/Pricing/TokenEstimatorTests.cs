using System.Text;
using Tollgate.Governance.Pricing;

namespace Tollgate.Tests.Governance.Pricing;

public sealed class TokenEstimatorTests
{
    private readonly TokenEstimator _estimator = new();

    private int Chat(string json) => _estimator.EstimateChatInput(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void EstimateText_HelloWorld_IsTwoTokens()
    {
        Assert.Equal(2, _estimator.EstimateText("hello world"));
        Assert.Equal(0, _estimator.EstimateText(""));
        Assert.Equal(0, _estimator.EstimateText(null));
    }

    [Fact]
    public void EstimateChatInput_FollowsOpenAIsCountingRecipe()
    {
        const string body = """
            {"model":"gpt-4o-mini","messages":[
              {"role":"system","content":"You are a helpful assistant."},
              {"role":"user","content":"What is the capital of France?"}],"max_tokens":50}
            """;

        // 3 per message + role + content, then 3 priming the reply.
        var expected = 3 + _estimator.EstimateText("system") + _estimator.EstimateText("You are a helpful assistant.")
            + 3 + _estimator.EstimateText("user") + _estimator.EstimateText("What is the capital of France?")
            + 3;
        var estimate = Chat(body);

        Assert.Equal(expected, estimate);
        // OpenAI reports 24 prompt tokens for this conversation on gpt-4o-mini.
        Assert.InRange(estimate, 20, 28);
    }

    [Fact]
    public void EstimateChatInput_CountsTextPartsAndAFlatPricePerImage()
    {
        const string body = """
            {"messages":[{"role":"user","content":[
              {"type":"text","text":"Describe this picture."},
              {"image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==","detail":"high"},"type":"image_url"}]}]}
            """;

        var expected = 3 + _estimator.EstimateText("user") + _estimator.EstimateText("Describe this picture.") + TokenEstimator.TokensPerImage + 3;

        Assert.Equal(expected, Chat(body));
    }

    [Fact]
    public void EstimateChatInput_CountsToolDefinitionsAndToolCalls()
    {
        const string plain = """{"messages":[{"role":"user","content":"What's the weather in Paris?"}]}""";
        const string withTools = """
            {"messages":[{"role":"user","content":"What's the weather in Paris?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city",
               "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}
            """;
        const string withCall = """
            {"messages":[{"role":"user","content":"What's the weather in Paris?"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                "function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"18C and sunny"}]}
            """;

        var baseline = Chat(plain);
        Assert.InRange(Chat(withTools) - baseline, 25, 80);
        var callTokens = _estimator.EstimateText("get_weather") + _estimator.EstimateText("{\"city\":\"Paris\"}");
        var toolMessage = 3 + _estimator.EstimateText("tool") + _estimator.EstimateText("call_1") + _estimator.EstimateText("18C and sunny");
        Assert.Equal(baseline + 3 + _estimator.EstimateText("assistant") + callTokens + toolMessage, Chat(withCall));
    }

    [Fact]
    public void EstimateChatInput_NameCostsOneTokenMore()
    {
        var without = Chat("""{"messages":[{"role":"user","content":"hi"}]}""");
        var with = Chat("""{"messages":[{"role":"user","name":"alice","content":"hi"}]}""");

        Assert.Equal(without + _estimator.EstimateText("alice") + TokenEstimator.TokensPerName, with);
    }

    [Fact]
    public void EstimateChatInput_CountsTheUnescapedText()
    {
        var escaped = Chat("""{"messages":[{"role":"user","content":"caf\u00e9 \"quoted\"\nline"}]}""");
        var expected = 3 + _estimator.EstimateText("user") + _estimator.EstimateText("café \"quoted\"\nline") + 3;

        Assert.Equal(expected, escaped);
    }

    [Fact]
    public void EstimateChatInput_LongMessages_AreCountedInFull()
    {
        var text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 2_000));
        var body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";

        Assert.Equal(3 + 1 + _estimator.EstimateText(text) + 3, Chat(body));
        Assert.InRange(Chat(body), 18_000, 22_000);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{")]
    [InlineData("[1,2,3]")]
    [InlineData("\"messages\"")]
    [InlineData("{\"messages\":42}")]
    [InlineData("{\"messages\":[1,\"x\",null,[],{\"content\":{\"a\":1}}]}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":7,\"text\":{}}, 5]}],\"tools\":\"x\"}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"bad \\uZZZZ escape\"}]}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"tools\":[{\"type\":\"function\"")]
    public void EstimateChatInput_MalformedBodies_DoNotThrow(string body)
    {
        var estimate = Chat(body);

        Assert.InRange(estimate, 0, 100);
    }

    [Fact]
    public void EstimateChatInput_TruncatedBody_CountsWhatItCouldRead()
    {
        var estimate = Chat("""{"messages":[{"role":"user","content":"What is the capital of France?"},{"role":"user","con""");

        Assert.True(estimate >= 3 + _estimator.EstimateText("What is the capital of France?"));
    }

    [Fact]
    public void EstimateChatInput_RandomBytes_NeverThrow()
    {
        var random = new Random(904);
        var seed = Encoding.UTF8.GetBytes("""{"messages":[{"role":"user","content":[{"type":"text","text":"héllo"}],"tool_calls":[{"function":{"name":"f","arguments":"{}"}}]}],"tools":[{"a":[1,2,{"b":null}]}]}""");
        for (var i = 0; i < 2_000; i++)
        {
            var body = (byte[])seed.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                body[random.Next(body.Length)] = (byte)random.Next(256);
            }

            var cut = body.AsSpan(0, random.Next(body.Length + 1));
            _estimator.EstimateChatInput(cut);
            _estimator.EstimateEmbeddingsInput(cut);
            _estimator.EstimateCompletionsInput(cut);
        }
    }

    [Fact]
    public void EstimateEmbeddingsInput_CountsStringsAndTokenIds()
    {
        var one = _estimator.EstimateText("The food was delicious and the waiter was friendly.");

        Assert.Equal(one, _estimator.EstimateEmbeddingsInput("""{"model":"text-embedding-3-small","input":"The food was delicious and the waiter was friendly."}"""u8));
        Assert.Equal(one + 2, _estimator.EstimateEmbeddingsInput("""{"input":["The food was delicious and the waiter was friendly.","hello world"],"model":"m"}"""u8));
        Assert.Equal(4, _estimator.EstimateEmbeddingsInput("""{"input":[1212,318,257,1332],"model":"m"}"""u8));
        Assert.Equal(5, _estimator.EstimateEmbeddingsInput("""{"input":[[1212,318],[257,1332,13]],"encoding_format":"base64"}"""u8));
        Assert.Equal(0, _estimator.EstimateEmbeddingsInput("""{"model":"m"}"""u8));
        Assert.Equal(0, _estimator.EstimateEmbeddingsInput("{\"input\":\"ab"u8));
    }

    [Fact]
    public void EstimateCompletionsInput_CountsThePrompt()
    {
        Assert.Equal(2, _estimator.EstimateCompletionsInput("""{"model":"gpt-3.5-turbo-instruct","prompt":"hello world","max_tokens":5}"""u8));
        Assert.Equal(4, _estimator.EstimateCompletionsInput("""{"prompt":["hello world","hello world"]}"""u8));
        Assert.Equal(3, _estimator.EstimateCompletionsInput("""{"prompt":[15339,1917,0]}"""u8));
        Assert.Equal(0, _estimator.EstimateCompletionsInput("""{"prompt":null}"""u8));
    }

    [Fact]
    public void Estimator_IsSafeToShareAcrossThreads()
    {
        var texts = Enumerable.Range(0, 64).Select(i => $"Request number {i}: summarise the quarterly report for region {i % 7}.").ToArray();
        var expected = texts.Select(_estimator.EstimateText).ToArray();
        var shared = new TokenEstimator();

        Parallel.For(0, 4_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var index = i % texts.Length;
            Assert.Equal(expected[index], shared.EstimateText(texts[index]));
            Assert.Equal(3 + 1 + expected[index] + 3, shared.EstimateChatInput(Encoding.UTF8.GetBytes($"{{\"messages\":[{{\"role\":\"user\",\"content\":\"{texts[index]}\"}}]}}")));
        });
    }
}
