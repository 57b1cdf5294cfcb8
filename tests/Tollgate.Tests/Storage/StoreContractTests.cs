using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tollgate.Governance;
using Tollgate.Governance.Model;
using Tollgate.Governance.Usage;
using Tollgate.Storage;

namespace Tollgate.Tests.Storage;

/// <summary>
/// What every storage backend must do alike, run against each of them (SQLite and PostgreSQL subclasses). A test opens
/// a store again to read back, as a restarted gateway or another instance of a cluster would.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    private protected static readonly SecretProtector Protector = new(RandomNumberGenerator.GetBytes(32));

    // A Sunday, so the day boundaries below are plain UTC midnights.
    private static readonly DateTimeOffset Day1 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Opens the config store on this test's storage, creating its tables when missing; a new instance each call.</summary>
    private protected abstract IGatewayStore OpenGatewayStore(SecretProtector protector);

    /// <summary>Opens the governance store on this test's storage, creating its tables when missing; a new instance each call.</summary>
    private protected abstract IGovernanceStore OpenGovernanceStore();

    /// <summary>A provider's config column as it lies in the database, to check that it is encrypted.</summary>
    private protected abstract string? ReadStoredProviderConfig(string name);

    [Fact]
    public async Task ResponsesConversations_RoundTrip_ExpireAndAreSweptByTheNextSave()
    {
        var store = OpenGatewayStore(Protector);
        await store.SaveResponseAsync("resp_old", "[{\"role\":\"user\",\"content\":\"a\"}]", Day1.AddHours(1), Day1);
        await store.SaveResponseAsync("resp_1", "[{\"role\":\"user\",\"content\":\"ünï 🚀\"}]", Day1.AddDays(30), Day1);
        await store.SaveResponseAsync("resp_1", "[{\"role\":\"user\",\"content\":\"second\"}]", Day1.AddDays(30), Day1);

        var reopened = OpenGatewayStore(Protector);
        Assert.Equal("[{\"role\":\"user\",\"content\":\"second\"}]", await reopened.LoadResponseAsync("resp_1", Day1));
        Assert.NotNull(await reopened.LoadResponseAsync("resp_old", Day1));
        Assert.Null(await reopened.LoadResponseAsync("resp_old", Day1.AddHours(2)));
        Assert.Null(await reopened.LoadResponseAsync("resp_unknown", Day1));

        // A save after the first has expired sweeps it: still gone when asked with a time before its expiry.
        await reopened.SaveResponseAsync("resp_2", "[]", Day1.AddDays(30), Day1.AddHours(2));
        Assert.Null(await reopened.LoadResponseAsync("resp_old", Day1));
        Assert.Equal("[]", await reopened.LoadResponseAsync("resp_2", Day1.AddHours(2)));
    }

    [Fact]
    public void Entities_OfEveryKind_RoundTrip()
    {
        var store = OpenGovernanceStore();
        var customer = new Customer { Id = "acme", Name = "Acme \"quoted\" ünïcödé 🚀 \0 nul", BudgetId = "b-1", RateLimitId = "rl-1" };
        var team = new Team { Id = "ml", Name = "ML", CustomerId = "acme", BudgetId = "b-1" };
        var budget = new Budget { Id = "b-1", MaxLimitUsd = 12.345678m, ResetDuration = "1M", CalendarAligned = true, SoftLimitRatio = 0.8m, CreatedAt = Day1 };
        var rateLimit = new RateLimit { Id = "rl-1", RequestMaxLimit = 600, RequestResetDuration = "1m", TokenMaxLimit = 200_000, TokenResetDuration = "1h" };
        var key = new VirtualKey
        {
            Id = "vk-1", Name = "app", KeyHash = new string('a', 64), KeyHint = "sk-tg-…a1b2", TeamId = "ml", BudgetId = "b-1",
            ProviderConfigs = [new ProviderAccess("openai", ["gpt-4o*", "o3"], 2.5)], ExpiresAt = Day1.AddDays(30), MaxConcurrentRequests = 4, CreatedAt = Day1,
        };
        var modelLimit = new ModelLimit { Id = "ml-1", Provider = "databricks", Model = "llama*", QueriesPerSecond = 5, InputTokensPerMinute = 10_000 };

        store.Save(EntityKind.Customer, customer.Id, customer, GovernanceJsonContext.Default.Customer);
        store.Save(EntityKind.Team, team.Id, team, GovernanceJsonContext.Default.Team);
        store.Save(EntityKind.Budget, budget.Id, budget, GovernanceJsonContext.Default.Budget);
        store.Save(EntityKind.RateLimit, rateLimit.Id, rateLimit, GovernanceJsonContext.Default.RateLimit);
        store.Save(EntityKind.VirtualKey, key.Id, key, GovernanceJsonContext.Default.VirtualKey);
        store.Save(EntityKind.ModelLimit, modelLimit.Id, modelLimit, GovernanceJsonContext.Default.ModelLimit);
        var loaded = OpenGovernanceStore().LoadEntities();

        Assert.Equal(customer, Assert.Single(loaded.Customers));
        Assert.Equal(team, Assert.Single(loaded.Teams));
        Assert.Equal(budget, Assert.Single(loaded.Budgets));
        Assert.Equal(rateLimit, Assert.Single(loaded.RateLimits));
        Assert.Equal(modelLimit, Assert.Single(loaded.ModelLimits));
        // VirtualKey holds lists, which records compare by reference: compare the documents instead.
        Assert.Equal(Json(key, GovernanceJsonContext.Default.VirtualKey), Json(Assert.Single(loaded.VirtualKeys), GovernanceJsonContext.Default.VirtualKey));
    }

    [Fact]
    public void Save_SameKindAndId_Replaces_KindsAreSeparate_IdsInOrdinalOrder()
    {
        var store = OpenGovernanceStore();
        foreach (var id in new[] { "b", "é", "a", "B", "a-2" })
        {
            store.Save(EntityKind.Team, id, new Team { Id = id, Name = "first" }, GovernanceJsonContext.Default.Team);
        }

        store.Save(EntityKind.Team, "a", new Team { Id = "a", Name = "second" }, GovernanceJsonContext.Default.Team);
        store.Save(EntityKind.Customer, "a", new Customer { Id = "a", Name = "customer a" }, GovernanceJsonContext.Default.Customer);
        var loaded = OpenGovernanceStore().LoadEntities();

        // Byte order, whatever the database's collation: "B" < "a" < "a-2" < "b" < "é".
        Assert.Equal(["B", "a", "a-2", "b", "é"], loaded.Teams.Select(t => t.Id));
        Assert.Equal("second", loaded.Teams.Single(t => t.Id == "a").Name);
        Assert.Equal("customer a", Assert.Single(loaded.Customers).Name);
    }

    [Fact]
    public void Delete_RemovesOnlyThatEntity_AndSaysWhetherItExisted()
    {
        var store = OpenGovernanceStore();
        store.Save(EntityKind.Team, "t1", new Team { Id = "t1", Name = "T1" }, GovernanceJsonContext.Default.Team);
        store.Save(EntityKind.Team, "t2", new Team { Id = "t2", Name = "T2" }, GovernanceJsonContext.Default.Team);
        store.Save(EntityKind.Customer, "t1", new Customer { Id = "t1", Name = "C" }, GovernanceJsonContext.Default.Customer);

        Assert.True(store.Delete(EntityKind.Team, "t1"));
        Assert.False(store.Delete(EntityKind.Team, "t1"));
        Assert.False(store.Delete(EntityKind.Budget, "t2"));

        var loaded = OpenGovernanceStore().LoadEntities();
        Assert.Equal("t2", Assert.Single(loaded.Teams).Id);
        Assert.Equal("t1", Assert.Single(loaded.Customers).Id);
    }

    [Fact]
    public void Providers_RoundTrip_EncryptedAtRest_ReplacedAndDeleted()
    {
        const string Secret = "sk-live-secret-value-0123456789";
        var openai = $$"""{ "base_url": "https://api.openai.com/v1", "keys": [{ "name": "oa", "value": "{{Secret}}" }] }""";
        var anthropic = """{ "keys": [{ "name": "an", "value": "sk-ant-other" }] }""";
        var store = OpenGatewayStore(Protector);

        store.SaveProvider("openai", openai);
        store.SaveProvider("anthropic", anthropic);

        Assert.Equal([("anthropic", anthropic), ("openai", openai)], OpenGatewayStore(Protector).LoadProviders());
        var stored = ReadStoredProviderConfig("openai");
        Assert.NotNull(stored);
        Assert.StartsWith("enc:v1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        // Another key cannot read them: the encryption is real, not an encoding.
        Assert.ThrowsAny<CryptographicException>(() => OpenGatewayStore(new SecretProtector(RandomNumberGenerator.GetBytes(32))).LoadProviders());

        var replaced = """{ "keys": [] }""";
        store.SaveProvider("openai", replaced);
        Assert.Equal(replaced, OpenGatewayStore(Protector).LoadProviders().Single(p => p.Name == "openai").Json);

        Assert.True(store.DeleteProvider("openai"));
        Assert.False(store.DeleteProvider("openai"));
        Assert.Equal(["anthropic"], OpenGatewayStore(Protector).LoadProviders().Select(p => p.Name));
    }

    [Fact]
    public void Settings_MissingIsNull_SetReplaces()
    {
        var store = OpenGatewayStore(Protector);

        Assert.Null(store.GetSetting("admin_token_sha256"));
        store.SetSetting("admin_token_sha256", "AB01");
        store.SetSetting("admin_token_sha256", "CD02");
        store.SetSetting("other", "x");

        var reopened = OpenGatewayStore(Protector);
        Assert.Equal("CD02", reopened.GetSetting("admin_token_sha256"));
        Assert.Equal("x", reopened.GetSetting("other"));
    }

    [Fact]
    public void SpendSince_MatchesKeysTeamsOrCustomers_CountingEachRecordOnce()
    {
        var since = Day1.AddHours(12);
        var store = OpenGovernanceStore();
        store.Append(
        [
            Usage(since, cost: 1, vk: "vk-a", team: "team-t", customer: "cust-c"), // matches all three: still counted once
            Usage(since.AddMinutes(1), cost: 10, vk: "vk-b", team: "team-t"),
            Usage(since.AddMinutes(2), cost: 100, vk: "vk-z", team: "team-u", customer: "cust-c"),
            Usage(since.AddMilliseconds(-1), cost: 1_000, vk: "vk-a"), // before the window
            Usage(since.AddMinutes(3), cost: 10_000, vk: "vk-x", team: "team-y", customer: "cust-w"), // someone else
            Usage(since.AddMinutes(4), cost: null, vk: "vk-a"), // a model without a price
            Usage(since.AddMinutes(5), cost: 100_000), // no key, team or customer
        ]);
        var reader = OpenGovernanceStore();

        Assert.Equal(111, reader.SpendSince(since, ["vk-a"], ["team-t"], ["cust-c"]));
        Assert.Equal(111, reader.SpendSince(since, ["vk-a", "vk-b", "vk-z"], ["team-t", "team-u"], ["cust-c"]));
        Assert.Equal(1, reader.SpendSince(since, ["vk-a"], [], []));
        Assert.Equal(11, reader.SpendSince(since, [], ["team-t"], []));
        Assert.Equal(101, reader.SpendSince(since, [], [], ["cust-c"]));
        Assert.Equal(1_001, reader.SpendSince(since.AddMilliseconds(-1), ["vk-a"], [], []));
        Assert.Equal(0, reader.SpendSince(since, ["nobody"], [], []));
        Assert.Equal(0, reader.SpendSince(since, [], [], []));
    }

    [Fact]
    public void Aggregate_ByModelAndDay_SumsRequestsTokensCostAndEstimates_OverAHalfOpenRange()
    {
        var from = Day1;
        var to = Day1.AddDays(2);
        var store = OpenGovernanceStore();
        store.Append(
        [
            Usage(Day1.AddHours(10), cost: 100, vk: "vk-a", prompt: 10, completion: 5, cached: 2),
            Usage(Day1.AddDays(1).AddMilliseconds(-1), cost: 200, vk: "vk-b", prompt: 20, completion: 6, estimated: true),
            Usage(Day1.AddHours(12), cost: null, provider: "anthropic", model: "claude-sonnet-4-5", prompt: 7, completion: 3),
            Usage(Day1.AddDays(1), cost: 1, vk: "vk-a", prompt: 1, completion: 1),
            Usage(to, cost: 5_000, vk: "vk-a", prompt: 50), // at the range's end: excluded
            Usage(from.AddMilliseconds(-1), cost: 7_000, vk: "vk-a", prompt: 70), // before it: excluded
        ]);
        var reader = OpenGovernanceStore();

        Assert.Equal(
            [
                new UsageRow("anthropic/claude-sonnet-4-5", "2026-03-01", 1, 7, 3, 0, 0, 0),
                new UsageRow("openai/gpt-4o-mini", "2026-03-01", 2, 30, 11, 2, 300, 1),
                new UsageRow("openai/gpt-4o-mini", "2026-03-02", 1, 1, 1, 0, 1, 0),
            ],
            reader.Aggregate("model", byDay: true, from, to));
        Assert.Equal(
            [
                new UsageRow("anthropic/claude-sonnet-4-5", null, 1, 7, 3, 0, 0, 0),
                new UsageRow("openai/gpt-4o-mini", null, 3, 31, 12, 2, 301, 1),
            ],
            reader.Aggregate("model", byDay: false, from, to));
        // A record without a key groups under null, which sorts first.
        Assert.Equal(
            [
                new UsageRow(null, null, 1, 7, 3, 0, 0, 0),
                new UsageRow("vk-a", null, 2, 11, 6, 2, 101, 0),
                new UsageRow("vk-b", null, 1, 20, 6, 0, 200, 1),
            ],
            reader.Aggregate("virtual_key", byDay: false, from, to));
        Assert.Equal(["anthropic", "openai"], reader.Aggregate("provider", byDay: false, from, to).Select(r => r.Key));
        Assert.Empty(reader.Aggregate("model", byDay: true, to.AddDays(1), to.AddDays(2)));
    }

    [Fact]
    public void Append_ALargeBatch_KeepsEveryRecord_AndAnEmptyBatchIsANoOp()
    {
        var store = OpenGovernanceStore();
        var records = Enumerable.Range(1, 2_000).Select(i => Usage(Day1.AddSeconds(i), cost: i, vk: "vk-bulk", completion: 1, key: i % 2 == 0 ? "k-even" : null)).ToList();

        store.Append(records);
        store.Append([]);

        var reader = OpenGovernanceStore();
        Assert.Equal(2_000L * 2_001 / 2, reader.SpendSince(Day1, ["vk-bulk"], [], []));
        var row = Assert.Single(reader.Aggregate("virtual_key", byDay: false, Day1, Day1.AddDays(1)));
        Assert.Equal(2_000, row.Requests);
        Assert.Equal(2_000, row.CompletionTokens);
    }

    [Fact]
    public async Task ConcurrentStarts_OnAnEmptyDatabase_AllSucceed_AndShareOneSchema()
    {
        // Gateways of a cluster often start together: each creates the tables it needs at the same moment.
        const int Instances = 8;
        using var start = new Barrier(Instances);
        var opening = Enumerable.Range(0, Instances).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return (Config: OpenGatewayStore(Protector), Governance: OpenGovernanceStore());
            },
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        var stores = await Task.WhenAll(opening);

        stores[0].Governance.Save(EntityKind.Team, "t", new Team { Id = "t", Name = "T" }, GovernanceJsonContext.Default.Team);
        stores[1].Config.SetSetting("k", "v");
        stores[2].Governance.Append([Usage(Day1, cost: 5, vk: "vk")]);
        Assert.All(stores, s => Assert.Equal("t", Assert.Single(s.Governance.LoadEntities().Teams).Id));
        Assert.All(stores, s => Assert.Equal("v", s.Config.GetSetting("k")));
        Assert.All(stores, s => Assert.Equal(5, s.Governance.SpendSince(Day1, ["vk"], [], [])));
    }

    private static string Json<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);

    private static UsageRecord Usage(DateTimeOffset time, long? cost, string? vk = null, string? team = null, string? customer = null,
        string provider = "openai", string model = "gpt-4o-mini", int prompt = 0, int completion = 0, int cached = 0, bool estimated = false, string? key = "k1") => new()
    {
        RequestId = Guid.NewGuid().ToString("N"),
        Time = time,
        VirtualKeyId = vk,
        TeamId = team,
        CustomerId = customer,
        Provider = provider,
        Model = model,
        KeyName = key,
        Status = 200,
        PromptTokens = prompt,
        CompletionTokens = completion,
        CachedTokens = cached,
        CacheWriteTokens = 0,
        CostNano = cost,
        Estimated = estimated,
    };
}
