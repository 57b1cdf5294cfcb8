using System.Text;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Governance.Pricing;

namespace Tollgate.Tests.Governance.Pricing;

public sealed class PriceCatalogTests
{
    // Embedding models have no output tokens, so no output price.
    private static readonly HashSet<string> EmbeddingModels = new(StringComparer.Ordinal)
    {
        "openai/text-embedding-3-small",
        "openai/text-embedding-3-large",
        "openai/text-embedding-ada-002",
        "gemini/gemini-embedding-001",
        "vertex/gemini-embedding-001",
        "cohere/embed-v4.0",
        "cohere/embed-english-v3.0",
        "cohere/embed-multilingual-v3.0",
        "bedrock/amazon.titan-embed-text-v2:0",
        "bedrock/cohere.embed-english-v3",
        "databricks/databricks-gte-large-en",
        "databricks/databricks-bge-large-en",
    };

    private static ModelPrice Price(PriceCatalog catalog, string providerName, string providerType, string model)
    {
        Assert.True(catalog.TryGet(providerName, providerType, model, out var price), $"{providerName}/{model} has no price");
        return price;
    }

    private static byte[] ShippedJson()
    {
        using var stream = typeof(PriceCatalog).Assembly.GetManifestResourceStream(PriceCatalog.ResourceName)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    [Fact]
    public void ShippedCatalog_Parses_AndEveryEntryHasAnInputAndOutputPrice()
    {
        var entries = PriceCatalog.Shipped.ShippedEntries;

        Assert.True(entries.Count >= 30, $"only {entries.Count} entries");
        foreach (var (key, price) in entries)
        {
            Assert.True(price.InputPerMTok > 0, $"{key} input");
            if (EmbeddingModels.Contains(key))
            {
                Assert.Equal(0m, price.OutputPerMTok);
            }
            else
            {
                Assert.True(price.OutputPerMTok > 0, $"{key} output");
            }

            Assert.True(price.CachedInputPerMTok is null || price.CachedInputPerMTok < price.InputPerMTok, $"{key} cache read should be a discount");
            Assert.True(price.CacheWritePerMTok is null || price.CacheWritePerMTok >= price.InputPerMTok, $"{key} cache write");
        }
    }

    [Theory]
    [InlineData("openai/gpt-4o")]
    [InlineData("openai/gpt-4o-mini")]
    [InlineData("openai/gpt-4.1")]
    [InlineData("openai/gpt-4.1-mini")]
    [InlineData("openai/gpt-4.1-nano")]
    [InlineData("openai/o3")]
    [InlineData("openai/o4-mini")]
    [InlineData("openai/gpt-5")]
    [InlineData("openai/gpt-5-mini")]
    [InlineData("openai/gpt-3.5-turbo-instruct")]
    [InlineData("openai/text-embedding-3-small")]
    [InlineData("openai/text-embedding-3-large")]
    [InlineData("openai/text-embedding-ada-002")]
    [InlineData("anthropic/claude-sonnet-4-5")]
    [InlineData("anthropic/claude-opus-4-1")]
    [InlineData("anthropic/claude-haiku-4-5")]
    [InlineData("anthropic/claude-3-5-haiku")]
    [InlineData("databricks/databricks-meta-llama-3-3-70b-instruct")]
    [InlineData("databricks/databricks-meta-llama-3-1-8b-instruct")]
    [InlineData("databricks/databricks-meta-llama-3-1-405b-instruct")]
    [InlineData("databricks/databricks-claude-sonnet-4-5")]
    [InlineData("databricks/databricks-claude-sonnet-4")]
    [InlineData("databricks/databricks-gpt-oss-120b")]
    [InlineData("databricks/databricks-gpt-oss-20b")]
    [InlineData("databricks/databricks-gte-large-en")]
    [InlineData("databricks/databricks-bge-large-en")]
    [InlineData("databricks/databricks-llama-4-maverick")]
    [InlineData("databricks/databricks-gemma-3-12b")]
    public void ShippedCatalog_ListsTheModelsTollgateIsExpectedToPrice(string key)
    {
        Assert.True(PriceCatalog.Shipped.ShippedEntries.ContainsKey(key));
    }

    [Fact]
    public void ShippedCatalog_KeepsTheDesignDocumentsExamplePrices()
    {
        var mini = PriceCatalog.Shipped.ShippedEntries["openai/gpt-4o-mini"];
        Assert.Equal(new ModelPrice { InputPerMTok = 0.15m, OutputPerMTok = 0.60m, CachedInputPerMTok = 0.075m, MaxOutputTokens = 16384, ContextWindow = 128000 }, mini);

        var sonnet = PriceCatalog.Shipped.ShippedEntries["anthropic/claude-sonnet-4-5"];
        Assert.Equal((3.00m, 15.00m, 0.30m, 3.75m), (sonnet.InputPerMTok, sonnet.OutputPerMTok, sonnet.CachedInputPerMTok, sonnet.CacheWritePerMTok));
    }

    [Fact]
    public void ShippedDatabricksPrices_AreThePublishedDbuRatesAtSevenCentsPerDbu()
    {
        // Databricks publishes DBUs per 1M tokens; the file keeps them beside the USD it derives, so this re-derives
        // every USD figure: DBU x 0.070 USD/DBU, rounded to 0.001 USD (documented in the file's notes).
        using var document = JsonDocument.Parse(ShippedJson());
        var checkedFields = 0;
        foreach (var model in document.RootElement.GetProperty("models").EnumerateObject())
        {
            foreach (var field in new[] { "input", "output", "cached_input", "cache_write" })
            {
                if (!model.Value.TryGetProperty(field + "_dbu_per_mtok", out var dbu))
                {
                    continue;
                }

                var expected = decimal.Round(dbu.GetDecimal() * 0.070m, 3, MidpointRounding.AwayFromZero);
                Assert.Equal(expected, model.Value.GetProperty(field + "_per_mtok").GetDecimal());
                checkedFields++;
            }

            if (model.Name.StartsWith("databricks/", StringComparison.Ordinal))
            {
                Assert.True(model.Value.TryGetProperty("input_dbu_per_mtok", out _), $"{model.Name} has no DBU rate to check against");
            }
        }

        Assert.True(checkedFields >= 20);
    }

    [Fact]
    public void ShippedCatalog_CitesASourceForEveryProviderType()
    {
        using var document = JsonDocument.Parse(ShippedJson());
        var notes = document.RootElement.GetProperty("notes");
        foreach (var key in PriceCatalog.Shipped.ShippedEntries.Keys)
        {
            var type = key[..key.IndexOf('/', StringComparison.Ordinal)];
            Assert.Contains("https://", notes.GetProperty(type).GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryGet_ShippedModel_UsesTheProviderTypeNotTheName()
    {
        // "dbx-dev" is a second Databricks workspace configured under its own name.
        var price = Price(PriceCatalog.Shipped, "dbx-dev", "databricks", "databricks-meta-llama-3-3-70b-instruct");

        Assert.Equal(0.50m, price.InputPerMTok);
        Assert.Equal(1.50m, price.OutputPerMTok);
    }

    [Fact]
    public void TryGet_AzureDeployment_IsPricedLikeOpenAI()
    {
        var price = Price(PriceCatalog.Shipped, "azure-eu", "azure", "gpt-4o");

        Assert.Same(PriceCatalog.Shipped.ShippedEntries["openai/gpt-4o"], price);
    }

    [Fact]
    public void TryGet_ModelUnknownToItsProviderType_FallsBackToTheBareModelAcrossTypes()
    {
        // An OpenAI-compatible gateway of another type serving an OpenAI model by its OpenAI name.
        var price = Price(PriceCatalog.Shipped, "corp-proxy", "openrouter", "gpt-4.1-mini");

        Assert.Same(PriceCatalog.Shipped.ShippedEntries["openai/gpt-4.1-mini"], price);
    }

    [Theory]
    [InlineData("openai", "gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini")]
    [InlineData("anthropic", "claude-sonnet-4-5-20250929", "anthropic/claude-sonnet-4-5")]
    [InlineData("anthropic", "claude-3-5-haiku-latest", "anthropic/claude-3-5-haiku")]
    [InlineData("anthropic", "claude-opus-4-1-20250805", "anthropic/claude-opus-4-1")]
    [InlineData("vertex", "claude-sonnet-4-5@20250929", "anthropic/claude-sonnet-4-5")]
    [InlineData("azure", "gpt-4.1-nano-2025-04-14", "openai/gpt-4.1-nano")]
    public void TryGet_SnapshotName_FallsBackToItsAlias(string providerType, string model, string expectedKey)
    {
        var price = Price(PriceCatalog.Shipped, providerType, providerType, model);

        Assert.Same(PriceCatalog.Shipped.ShippedEntries[expectedKey], price);
    }

    [Fact]
    public void TryGet_IgnoresCase()
    {
        Assert.Same(PriceCatalog.Shipped.ShippedEntries["openai/gpt-4o"], Price(PriceCatalog.Shipped, "OpenAI", "OpenAI", "GPT-4o"));
    }

    [Fact]
    public void TryGet_UnknownModel_ReturnsFalse()
    {
        Assert.False(PriceCatalog.Shipped.TryGet("local-vllm", "openai", "my-finetune", out var price));
        Assert.Null(price);
        Assert.False(PriceCatalog.Shipped.TryGet("openai", "openai", "", out _));
    }

    [Fact]
    public void Overrides_ProviderModelBeatsBareModelBeatsShipped()
    {
        var catalog = PriceCatalog.Shipped.WithOverrides(new Dictionary<string, PriceOverride>
        {
            ["dbx-prod/databricks-meta-llama-3-3-70b-instruct"] = new() { InputPerMTok = 0.40, OutputPerMTok = 1.20 },
            ["databricks-meta-llama-3-3-70b-instruct"] = new() { InputPerMTok = 0.45, OutputPerMTok = 1.35 },
        });

        // provider/model override
        Assert.Equal(0.40m, Price(catalog, "dbx-prod", "databricks", "databricks-meta-llama-3-3-70b-instruct").InputPerMTok);
        // bare-model override, for any other provider
        Assert.Equal(0.45m, Price(catalog, "dbx-dev", "databricks", "databricks-meta-llama-3-3-70b-instruct").InputPerMTok);
        // the shipped catalog itself is untouched
        Assert.Equal(0.50m, Price(PriceCatalog.Shipped, "dbx-prod", "databricks", "databricks-meta-llama-3-3-70b-instruct").InputPerMTok);
        // and models nobody overrode keep their shipped price
        Assert.Equal(0.15m, Price(catalog, "dbx-prod", "databricks", "databricks-meta-llama-3-1-8b-instruct").InputPerMTok);
    }

    [Fact]
    public void Overrides_NullFieldsInheritTheShippedEntryForTheSameModel()
    {
        var catalog = PriceCatalog.Shipped.WithOverrides(new Dictionary<string, PriceOverride>
        {
            // A negotiated input price on one workspace; everything else as shipped.
            ["dbx-prod/databricks-claude-sonnet-4-5"] = new() { InputPerMTok = 2.5 },
            // The design document's example: a bare model with cached price, given as doubles.
            ["gpt-4o-mini"] = new() { InputPerMTok = 0.15, OutputPerMTok = 0.60, CachedInputPerMTok = 0.075 },
        });

        var sonnet = Price(catalog, "dbx-prod", "databricks", "databricks-claude-sonnet-4-5");
        Assert.Equal(2.5m, sonnet.InputPerMTok);
        Assert.Equal(15.00m, sonnet.OutputPerMTok);
        Assert.Equal(0.30m, sonnet.CachedInputPerMTok);
        Assert.Equal(3.75m, sonnet.CacheWritePerMTok);
        Assert.Equal(64000, sonnet.MaxOutputTokens);

        // Doubles from the config file become the decimals a person wrote, not 0.07499999999999999...
        var mini = Price(catalog, "openai", "openai", "gpt-4o-mini");
        Assert.Equal(0.075m, mini.CachedInputPerMTok);
        Assert.Equal(16384, mini.MaxOutputTokens);
    }

    [Fact]
    public void Overrides_ForAModelTheCatalogLacks_PriceItAndTreatMissingFieldsAsFree()
    {
        var catalog = PriceCatalog.Shipped.WithOverrides(new Dictionary<string, PriceOverride>
        {
            ["local-vllm/my-finetune"] = new() { InputPerMTok = 0.2 },
        });

        var price = Price(catalog, "local-vllm", "openai", "my-finetune");

        Assert.Equal(new ModelPrice { InputPerMTok = 0.2m, OutputPerMTok = 0m }, price);
        Assert.False(catalog.TryGet("other-vllm", "openai", "my-finetune", out _));
    }

    [Fact]
    public void Overrides_ApplyToSnapshotNamesToo()
    {
        var catalog = PriceCatalog.Shipped.WithOverrides(new Dictionary<string, PriceOverride>
        {
            ["anthropic/claude-sonnet-4-5"] = new() { OutputPerMTok = 14 },
        });

        Assert.Equal(14m, Price(catalog, "anthropic", "anthropic", "claude-sonnet-4-5-20250929").OutputPerMTok);
    }

    [Fact]
    public void WithOverrides_ReplacesEarlierOverrides()
    {
        var first = PriceCatalog.Shipped.WithOverrides(new Dictionary<string, PriceOverride> { ["gpt-4o"] = new() { InputPerMTok = 1 } });
        var second = first.WithOverrides(new Dictionary<string, PriceOverride>());

        Assert.Equal(2.50m, Price(second, "openai", "openai", "gpt-4o").InputPerMTok);
        Assert.Empty(second.Overrides);
    }

    [Fact]
    public void TryGet_AllocatesNothing()
    {
        var catalog = PriceCatalog.Shipped.WithOverrides(new Dictionary<string, PriceOverride>
        {
            ["dbx-prod/databricks-gpt-oss-120b"] = new() { InputPerMTok = 0.1 },
        });
        var longModel = new string('m', 300) + "-2024-07-18";

        void LookUpEverything()
        {
            catalog.TryGet("dbx-prod", "databricks", "databricks-gpt-oss-120b", out _);
            catalog.TryGet("dbx-dev", "databricks", "databricks-meta-llama-3-3-70b-instruct", out _);
            catalog.TryGet("azure-eu", "azure", "gpt-4o-mini-2024-07-18", out _);
            catalog.TryGet("anthropic", "anthropic", "claude-sonnet-4-5-20250929", out _);
            catalog.TryGet("openai", "openai", longModel, out _);
        }

        LookUpEverything();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            LookUpEverything();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("""{"unit":"USD per 1K tokens","models":{"openai/x":{"input_per_mtok":1,"output_per_mtok":1}}}""")]
    [InlineData("""{"unit":"USD per 1M tokens","models":{"openai/x":{"input_per_mtok":1,"output_per_mtk":1}}}""")]
    [InlineData("""{"unit":"USD per 1M tokens","models":{"openai/x":{"input_per_mtok":1}}}""")]
    [InlineData("""{"unit":"USD per 1M tokens","models":{"openai/x":{"input_per_mtok":-1,"output_per_mtok":1}}}""")]
    [InlineData("""{"unit":"USD per 1M tokens","models":{"x":{"input_per_mtok":1,"output_per_mtok":1}}}""")]
    [InlineData("""{"unit":"USD per 1M tokens","models":{"openai/x":{"input_per_mtok":1,"output_per_mtok":1},"OpenAI/X":{"input_per_mtok":1,"output_per_mtok":1}}}""")]
    [InlineData("""{"unit":"USD per 1M tokens","models":{"openai/x":{"input_per_mtok":"1","output_per_mtok":1}}}""")]
    [InlineData("""{"unit":"USD per 1M tokens","models":{"openai/x":{"input_per_mtok":1,"output_per_mtok":1}}""")]
    [InlineData("""{"unit":"USD per 1M tokens"}""")]
    public void Parse_RejectsACatalogThatIsWrong(string json)
    {
        Assert.Throws<InvalidDataException>(() => PriceCatalog.Parse(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Parse_ReadsPricesAsExactDecimals()
    {
        var catalog = PriceCatalog.Parse("""
            {"unit":"USD per 1M tokens","notes":{"x":"y"},"models":{
              "openai/a":{"input_per_mtok":0.1,"output_per_mtok":0.3,"cached_input_per_mtok":null,"max_output_tokens":null},
              "groq/a":{"input_per_mtok":9,"output_per_mtok":9}}}
            """u8);

        Assert.Equal(new ModelPrice { InputPerMTok = 0.1m, OutputPerMTok = 0.3m }, catalog.ShippedEntries["openai/a"]);
        // A bare model listed under two types resolves to the first in the file.
        Assert.Equal(0.1m, Price(catalog, "x", "x", "a").InputPerMTok);
    }
}
