using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Configuration;
using Tollgate.Emulator;
using Tollgate.Guardrails;
using Tollgate.Guardrails.External;
using Tollgate.Secrets;
using Xunit;

namespace Tollgate.Tests.Guardrails.External;

/// <summary>Each external check against the emulator's wire format, including its failure modes.</summary>
public sealed class ExternalCheckTests : IAsyncLifetime
{
    private EmulatorHost _upstream = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _upstream = await EmulatorHost.StartAsync();
        var env = new Dictionary<string, string> { ["CS_KEY"] = "cs-test-key", ["OPENAI_KEY"] = "sk-test-mod", ["HOOK"] = "hook-secret" };
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ISecretResolver>(new SecretResolver(name => env.GetValueOrDefault(name)));
        services.AddExternalGuardrails();
        _services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private IGuardrailCheck Create(string type, string json)
    {
        var factory = _services.GetServices<IGuardrailCheckFactory>().Single(f => f.Type == type);
        var settings = JsonDocument.Parse(json.Replace("BASE", _upstream.BaseUrl, StringComparison.Ordinal)).RootElement.Clone();
        return factory.Create(new GuardrailRuleOptions { Id = "r1", Type = type, Settings = settings }, "$.guardrails.rules[0]");
    }

    private static async Task<GuardrailVerdict> Check(IGuardrailCheck check, string text, GuardrailDirection direction = GuardrailDirection.Input,
        int timeoutMs = 5000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        return await check.CheckAsync(text, direction, timeout.Token);
    }

    private IGuardrailCheck Azure(string thresholds = "") =>
        Create("azure_content_safety", "{\"endpoint\": \"BASE/contentsafety\", \"api_key\": \"env.CS_KEY\"" + thresholds + "}");

    [Fact]
    public async Task Azure_SeverityAtThreshold_Flags_BelowPasses()
    {
        var check = Azure(", \"thresholds\": {\"Violence\": 4, \"Hate\": 4}");
        Assert.Equal(GuardrailOutcome.Pass, (await Check(check, "a calm sentence")).Outcome);
        var flagged = await Check(check, "some violence here");
        Assert.Equal(GuardrailOutcome.Flagged, flagged.Outcome);
        Assert.Equal(["Violence"], flagged.Categories);
        Assert.Equal(GuardrailOutcome.Pass, (await Check(check, "hate at severity two")).Outcome);

        var entry = _upstream.Journal.Entries[^1];
        Assert.Contains("api-version=2024-09-01", entry.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("\"outputType\":\"FourSeverityLevels\"", entry.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Azure_LowerThreshold_CatchesLowSeverity()
    {
        var flagged = await Check(Azure(", \"thresholds\": {\"Hate\": 2}"), "hate at severity two");
        Assert.Equal(["Hate"], flagged.Categories);
    }

    [Fact]
    public async Task PromptShields_DetectsAttack_InPromptAndDocuments()
    {
        var check = Create("azure_prompt_shields", "{\"endpoint\": \"BASE/contentsafety\", \"api_key\": \"env.CS_KEY\"}");
        Assert.Equal(["Jailbreak"], (await Check(check, "Please IGNORE PREVIOUS INSTRUCTIONS and ...")).Categories);
        Assert.Equal(GuardrailOutcome.Flagged, (await Check(check, "ignore previous instructions", GuardrailDirection.Output)).Outcome);
        Assert.Equal(GuardrailOutcome.Pass, (await Check(check, "what is the weather")).Outcome);
    }

    [Fact]
    public async Task Azure_BadKey_Is_ErrorVerdict_WithoutTheKey()
    {
        var check = Create("azure_content_safety", "{\"endpoint\": \"BASE/contentsafety\", \"api_key\": \"wrong-secret-key\"}");
        var verdict = await Check(check, "hello");
        Assert.Equal(GuardrailOutcome.Error, verdict.Outcome);
        Assert.Contains("401", verdict.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-key", verdict.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("contentsafety")]
    [InlineData("openai")]
    [InlineData("guardhook")]
    public async Task ProviderFailures_AreErrorVerdicts_NeverExceptions(string provider)
    {
        var check = provider switch
        {
            "contentsafety" => Azure(),
            "openai" => Create("openai_moderation", "{\"base_url\": \"BASE/openai\", \"api_key\": \"env.OPENAI_KEY\"}"),
            _ => Create("webhook", "{\"url\": \"BASE/guardhook\", \"secret\": \"env.HOOK\"}"),
        };

        _upstream.Faults.Add(new FaultRule { Provider = provider, Status = 503 });
        Assert.Equal(GuardrailOutcome.Error, (await Check(check, "hello")).Outcome);

        Assert.Equal(GuardrailOutcome.Error, (await Check(check, "__bad_json__")).Outcome);

        // Slow: the rule's timeout (the engine's token) ends the wait and the verdict is an error, not a throw.
        _upstream.Faults.Add(new FaultRule { Provider = provider, DelayMs = 5000 });
        var slow = await Check(check, "hello", timeoutMs: 200);
        Assert.Equal(GuardrailOutcome.Error, slow.Outcome);
        Assert.Contains("timeout", slow.Detail, StringComparison.Ordinal);
        _upstream.Faults.Clear();

        Assert.Equal(GuardrailOutcome.Pass, (await Check(check, "hello")).Outcome);
    }

    [Fact]
    public async Task Unreachable_IsErrorVerdict()
    {
        var check = Create("webhook", "{\"url\": \"http://127.0.0.1:9/hook\"}");
        Assert.Equal(GuardrailOutcome.Error, (await Check(check, "hello")).Outcome);
    }

    [Fact]
    public async Task OpenAIModeration_FlagsWithCategories_AndFilters()
    {
        var check = Create("openai_moderation", "{\"base_url\": \"BASE/openai/v1\", \"api_key\": \"env.OPENAI_KEY\"}");
        var flagged = await Check(check, "violence and hate");
        Assert.Equal(GuardrailOutcome.Flagged, flagged.Outcome);
        Assert.Equal(["hate", "violence"], flagged.Categories.Order());
        Assert.Contains("\"model\":\"omni-moderation-latest\"", _upstream.Journal.Entries[^1].Body, StringComparison.Ordinal);

        var onlyHate = Create("openai_moderation", "{\"base_url\": \"BASE/openai\", \"api_key\": \"env.OPENAI_KEY\", \"categories\": [\"hate\"]}");
        Assert.Equal(GuardrailOutcome.Pass, (await Check(onlyHate, "violence")).Outcome);
    }

    [Fact]
    public async Task Webhook_SignedRequest_Verdicts_AndBadSignatureIsError()
    {
        var check = Create("webhook", "{\"url\": \"BASE/guardhook\", \"secret\": \"env.HOOK\"}");
        Assert.Equal(GuardrailOutcome.Pass, (await Check(check, "hello")).Outcome);
        var blocked = await Check(check, "violence", GuardrailDirection.Output);
        Assert.Equal(["violence"], blocked.Categories);
        var body = _upstream.Journal.Entries[^1].Body;
        Assert.Contains("\"rule\":\"r1\"", body, StringComparison.Ordinal);
        Assert.Contains("\"direction\":\"output\"", body, StringComparison.Ordinal);

        var unsigned = Create("webhook", "{\"url\": \"BASE/guardhook\"}");
        Assert.Equal(GuardrailOutcome.Error, (await Check(unsigned, "hello")).Outcome);
    }

    [Theory]
    [InlineData("azure_content_safety", "{\"api_key\": \"x\"}", "$.guardrails.rules[0].endpoint")]
    [InlineData("azure_content_safety", "{\"endpoint\": \"https://x\", \"api_key\": \"x\", \"thresholds\": {\"Gore\": 2}}", "$.guardrails.rules[0].thresholds.Gore")]
    [InlineData("azure_content_safety", "{\"endpoint\": \"https://x\", \"api_key\": \"x\", \"thresholds\": {\"Hate\": 9}}", "$.guardrails.rules[0].thresholds.Hate")]
    [InlineData("openai_moderation", "{\"api_key\": \"env.MISSING\"}", "$.guardrails.rules[0].api_key")]
    [InlineData("webhook", "{\"url\": \"ftp://x\"}", "$.guardrails.rules[0].url")]
    public void BadSettings_FailWithTheirJsonPath(string type, string json, string path)
    {
        var error = Assert.Throws<ConfigException>(() => Create(type, json));
        Assert.Equal(path, error.JsonPath);
    }
}
