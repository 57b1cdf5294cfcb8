using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Guardrails;
using Tollgate.Guardrails.Detection;
using Tollgate.Secrets;

namespace Tollgate.Tests.Guardrails;

public sealed class DetectorTests
{
    private static List<Finding> Find(string text, params string[] entities)
    {
        var findings = new List<Finding>();
        PiiDetectors.Find(text, entities.Length == 0 ? PiiDetectors.All : entities, findings);
        return findings;
    }

    [Theory]
    [InlineData("mail alice.smith+tag@example.co.uk now", "EMAIL", "alice.smith+tag@example.co.uk")]
    [InlineData("call +1 415 555 2671 today", "PHONE", "+1 415 555 2671")]
    [InlineData("call +44 20 7946 0958", "PHONE", "+44 20 7946 0958")]
    [InlineData("ruf +49 30 123456", "PHONE", "+49 30 123456")]
    [InlineData("US (415) 555-2671", "PHONE", "(415) 555-2671")]
    [InlineData("card 4111 1111 1111 1111 exp", "CREDIT_CARD", "4111 1111 1111 1111")]
    [InlineData("card 5500-0000-0000-0004", "CREDIT_CARD", "5500-0000-0000-0004")]
    [InlineData("amex 378282246310005", "CREDIT_CARD", "378282246310005")]
    [InlineData("ssn 123-45-6789.", "US_SSN", "123-45-6789")]
    [InlineData("iban GB82 WEST 1234 5698 7654 32 ok", "IBAN", "GB82 WEST 1234 5698 7654 32")]
    [InlineData("iban DE89370400440532013000", "IBAN", "DE89370400440532013000")]
    [InlineData("host 192.168.1.20 down", "IP_ADDRESS", "192.168.1.20")]
    [InlineData("v6 2001:db8::8a2e:370:7334 up", "IP_ADDRESS", "2001:db8::8a2e:370:7334")]
    public void Positive(string text, string entity, string match)
    {
        var findings = Find(text);
        var found = Assert.Single(findings);
        Assert.Equal(entity, found.Entity);
        Assert.Equal(match, text.Substring(found.Start, found.Length));
    }

    [Theory]
    [MemberData(nameof(FakeSecrets.All), MemberType = typeof(FakeSecrets))]
    public void Positive_Secret(string before, string secret)
    {
        var text = before + secret;
        var found = Assert.Single(Find(text));
        Assert.Equal("SECRET", found.Entity);
        Assert.Equal(secret, text.Substring(found.Start, found.Length));
    }

    [Fact]
    public void PrivateKeyBlock_IsASecret()
    {
        var text = "here:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nthanks";
        Assert.Equal("SECRET", Assert.Single(Find(text)).Entity);
    }

    [Theory]
    [InlineData("order number 1234567890123456 shipped")] // 16 digits failing Luhn
    [InlineData("order #4111111111111112")]
    [InlineData("released on 2024-01-15 at 10:30:00")]
    [InlineData("dates 15/01/2024 and 01.02.2023")]
    [InlineData("version 1.2.3 and 10.0.100-rc.2 of the SDK")]
    [InlineData("upgrade to 4.12.1 or 4.12.1.3.7 now")]
    [InlineData("id 550e8400-e29b-41d4-a716-446655440000")]
    [InlineData("ssn-like 000-12-3456 and 666-12-3456 and 900-12-3456")]
    [InlineData("iban-like GB00 WEST 1234 5698 7654 32")]
    [InlineData("ip-like 999.1.1.1 and 1.2.3")]
    [InlineData("time 12:30:45 and ratio 16:9")]
    [InlineData("price 1,234,567.89 USD, qty 42")]
    [InlineData("user@localhost is not an address")]
    [InlineData("the sk-learn library and task-runner")]
    [InlineData("zip 94103 and ext 5551")]
    public void Negative_FalsePositiveTraps(string text) => Assert.Empty(Find(text));

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("0000000000000000", false)]
    public void Luhn(string number, bool valid) => Assert.Equal(valid, PiiDetectors.IsCard(number));

    [Theory]
    [InlineData("GB82WEST12345698765432", true)]
    [InlineData("GB83WEST12345698765432", false)]
    [InlineData("FR1420041010050500013M02606", true)]
    public void IbanChecksum(string iban, bool valid) => Assert.Equal(valid, PiiDetectors.IsIban(iban));

    [Fact]
    public void Keywords_AreNormalisedCaseFoldedAndWholeWord()
    {
        var matcher = new KeywordMatcher(["Project Falcon", "bad"]);
        var findings = new List<Finding>();
        matcher.Find("about ＰＲＯＪＥＣＴ falcon and BAD news", "KEYWORD", findings);
        Assert.Equal("6:14,25:3", string.Join(",", findings.OrderBy(f => f.Start).Select(f => $"{f.Start}:{f.Length}")));
        findings.Clear();
        matcher.Find("a badge and badminton", "KEYWORD", findings);
        Assert.Empty(findings);
    }

    [Fact]
    public void Masking_IsTypedAndConsistentWithinARequest()
    {
        var masker = new Masker();
        var text = "a@example.com, b@example.com, a@example.com";
        var masked = masker.Mask(text, Find(text));
        Assert.Equal("<EMAIL_1>, <EMAIL_2>, <EMAIL_1>", masked);
        var again = "write to b@example.com";
        Assert.Equal("write to <EMAIL_2>", masker.Mask(again, Find(again)));
    }

    private static GatewayConfig Load(string guardrails) => GatewayConfigLoading.Loader(new SecretResolver(_ => null)).Load($$"""{ "guardrails": {{guardrails}} }""");

    [Theory]
    [InlineData("""{"rules":[{"id":"r","type":"regex","pattern":"(unclosed"}]}""", "$.guardrails.rules[0].pattern")]
    [InlineData("""{"rules":[{"id":"r","type":"pii","entities":["EMAIL","PASSPORT"]}]}""", "$.guardrails.rules[0].entities[1]")]
    [InlineData("""{"rules":[{"id":"r","type":"no_such_type"}]}""", "$.guardrails.rules[0].type")]
    [InlineData("""{"input":{"pii":{"behavior":"REDACT"}}}""", "$.guardrails.input.pii.behavior")]
    [InlineData("""{"rules":[{"id":"r","type":"pii","action":"drop"}]}""", "$.guardrails.rules[0].action")]
    [InlineData("""{"rules":[{"id":"r","type":"pii"},{"id":"r","type":"pii"}]}""", "$.guardrails.rules[1].id")]
    [InlineData("""{"input":{"safety":true}}""", "$.guardrails.input.safety")]
    public void BadConfig_FailsWithItsPath(string guardrails, string path)
    {
        var error = Assert.Throws<ConfigException>(() => Load(guardrails));
        Assert.Equal(path, error.JsonPath);
    }

    [Fact]
    public void DatabricksShape_Loads()
    {
        var config = Load("""{"input":{"pii":{"behavior":"MASK"},"invalid_keywords":["falcon"]},"output":{"pii":{"behavior":"BLOCK"}},"rules":[{"id":"cards","type":"pii","entities":["CREDIT_CARD"],"apply_to":"output","action":"block","scope":{"models":["openai/*"]}}]}""");
        Assert.Equal(["input.pii", "input.invalid_keywords", "output.pii", "cards"], config.Guardrails.Rules.Select(r => r.Options.Id));
        Assert.Equal(GuardrailAction.Mask, config.Guardrails.Rules[0].Options.Action);
    }

    [Fact]
    public void FactoryTypes_AreResolvedThroughTheFactory()
    {
        var loader = GatewayConfigLoading.Loader(new SecretResolver(_ => null), guardrails: new GuardrailsReader([new StubFactory()]));
        var config = loader.Load("""{ "guardrails": {"rules":[{"id":"ext","type":"stub","threshold":3}]} }""");
        Assert.Equal("stub", config.Guardrails.Rules[0].Check!.Type);
        Assert.Equal(3, config.Guardrails.Rules[0].Options.Settings.GetProperty("threshold").GetInt32());
    }

    [Fact]
    public async Task OnError_OpenPassesClosedBlocks()
    {
        var masker = new Masker();
        foreach (var (onError, blocked) in new[] { ("open", false), ("closed", true) })
        {
            var loader = GatewayConfigLoading.Loader(new SecretResolver(_ => null), guardrails: new GuardrailsReader([new StubFactory()]));
            var config = loader.Load($$"""{ "guardrails": {"rules":[{"id":"ext","type":"stub","on_error":"{{onError}}"}]} }""");
            var result = await GuardrailEngine.EvaluateAsync(config.Guardrails, "fail please", GuardrailDirection.Input, default, masker, CancellationToken.None);
            Assert.Equal(blocked, result.BlockedBy is not null);
        }
    }

    private sealed class StubFactory : IGuardrailCheckFactory
    {
        public string Type => "stub";

        public IGuardrailCheck Create(GuardrailRuleOptions rule, string jsonPath) => new StubCheck();
    }

    private sealed class StubCheck : IGuardrailCheck
    {
        public string Type => "stub";

        public ValueTask<GuardrailVerdict> CheckAsync(string text, GuardrailDirection direction, CancellationToken cancellationToken) =>
            ValueTask.FromResult(text.Contains("fail", StringComparison.Ordinal) ? GuardrailVerdict.Failed("down") : GuardrailVerdict.Passed);
    }
}
