using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Tollgate.Configuration;
using Tollgate.Governance.Limits;
using Tollgate.Governance.Model;

namespace Tollgate.Governance;

/// <summary>
/// Reads governance entities in the config file's shape (DESIGN.md, <c>governance</c>), field by field with JSON
/// paths. The admin API reads its request bodies with the same methods, so both paths validate identically.
/// </summary>
internal sealed class GovernanceReader(ISecretResolver secrets, TimeProvider time, IGuardrailsCheck guardrails)
{
    private static readonly FrozenSet<string> BifrostBudgetFields = FrozenSet.Create(StringComparer.Ordinal, "current_usage", "last_reset");
    private static readonly FrozenSet<string> BifrostRateLimitFields = FrozenSet.Create(StringComparer.Ordinal, "token_current_usage", "request_current_usage", "token_last_reset", "request_last_reset");
    private static readonly FrozenSet<string> BifrostVirtualKeyFields = FrozenSet.Create(StringComparer.Ordinal, "key_ids", "mcp_configs", "keys");
    private static readonly FrozenSet<string> BifrostEntityFields = FrozenSet.Create(StringComparer.Ordinal, "created_at", "updated_at", "description");

    public GovernanceConfig ReadSection(JsonObjectReader section, List<string> warnings) => new()
    {
        Customers = section.Array("customers").Select(item => ReadCustomer(new JsonObjectReader(item.Element, item.Path), warnings, requireId: true)).ToList(),
        Teams = section.Array("teams").Select(item => ReadTeam(new JsonObjectReader(item.Element, item.Path), warnings, requireId: true)).ToList(),
        // A config budget has no creation time of its own; anchoring it at the epoch keeps its windows stable across
        // restarts and reloads (a 1M budget then renews on calendar months).
        Budgets = section.Array("budgets").Select(item => ReadBudget(new JsonObjectReader(item.Element, item.Path), warnings, requireId: true, DateTimeOffset.UnixEpoch)).ToList(),
        RateLimits = section.Array("rate_limits").Select(item => ReadRateLimit(new JsonObjectReader(item.Element, item.Path), warnings, requireId: true)).ToList(),
        ModelLimits = section.Array("model_limits").Select(item => ReadModelLimit(new JsonObjectReader(item.Element, item.Path), warnings, requireId: true)).ToList(),
        VirtualKeys = section.Array("virtual_keys").Select(item => ReadVirtualKey(new JsonObjectReader(item.Element, item.Path), warnings, requireValue: true)).ToList(),
    };

    private JsonElement? ReadGuardrails(JsonObjectReader reader)
    {
        if (!reader.TryGet("guardrails", out var section))
        {
            return null;
        }

        guardrails.Check(section, reader.PathOf("guardrails"));
        return section.Clone();
    }

    public Customer ReadCustomer(JsonObjectReader reader, List<string> warnings, bool requireId)
    {
        var customer = new Customer
        {
            Id = Id(reader, requireId),
            Name = reader.RequiredString("name"),
            BudgetId = reader.String("budget_id"),
            RateLimitId = reader.String("rate_limit_id"),
        };
        reader.Finish(BifrostEntityFields, warnings);
        return customer;
    }

    public Team ReadTeam(JsonObjectReader reader, List<string> warnings, bool requireId)
    {
        var team = new Team
        {
            Id = Id(reader, requireId),
            Name = reader.RequiredString("name"),
            CustomerId = reader.String("customer_id"),
            BudgetId = reader.String("budget_id"),
            RateLimitId = reader.String("rate_limit_id"),
            Guardrails = ReadGuardrails(reader),
        };
        reader.Finish(BifrostEntityFields, warnings);
        return team;
    }

    public Budget ReadBudget(JsonObjectReader reader, List<string> warnings, bool requireId, DateTimeOffset? defaultCreatedAt = null)
    {
        var id = Id(reader, requireId);
        var limit = reader.Number("max_limit", 0, 1e12) ?? throw new ConfigException(reader.PathOf("max_limit"), "is required (USD)");
        var reset = reader.RequiredString("reset_duration");
        var calendarAligned = reader.Bool("calendar_aligned") ?? false;
        if (!BudgetPeriod.TryParse(reset, calendarAligned, out _, out var periodError))
        {
            throw new ConfigException(reader.PathOf("reset_duration"), periodError ?? "is not a reset period (1m, 1h, 1d, 1w, 1M, 1Y)");
        }

        var soft = reader.Number("soft_limit_ratio", 0, 1);
        var budget = new Budget
        {
            Id = id,
            MaxLimitUsd = decimal.Round((decimal)limit, 9),
            ResetDuration = reset,
            CalendarAligned = calendarAligned,
            SoftLimitRatio = soft is null ? null : (decimal)soft.Value,
            CreatedAt = ReadTime(reader, "created_at") ?? defaultCreatedAt ?? time.GetUtcNow(),
        };
        reader.Finish(BifrostBudgetFields, warnings);
        return budget;
    }

    public RateLimit ReadRateLimit(JsonObjectReader reader, List<string> warnings, bool requireId)
    {
        var id = Id(reader, requireId);
        var requestMax = reader.Number("request_max_limit", 1, long.MaxValue);
        var requestReset = reader.String("request_reset_duration");
        var tokenMax = reader.Number("token_max_limit", 1, long.MaxValue);
        var tokenReset = reader.String("token_reset_duration");
        CheckWindow(reader, requestMax, requestReset, "request");
        CheckWindow(reader, tokenMax, tokenReset, "token");
        if (requestMax is null && tokenMax is null)
        {
            throw new ConfigException(reader.Path, "a rate limit needs request_max_limit or token_max_limit");
        }

        var rateLimit = new RateLimit
        {
            Id = id,
            RequestMaxLimit = Whole(reader, "request_max_limit", requestMax),
            RequestResetDuration = requestReset,
            TokenMaxLimit = Whole(reader, "token_max_limit", tokenMax),
            TokenResetDuration = tokenReset,
        };
        reader.Finish(BifrostRateLimitFields, warnings);
        return rateLimit;
    }

    public ModelLimit ReadModelLimit(JsonObjectReader reader, List<string> warnings, bool requireId)
    {
        var limit = new ModelLimit
        {
            Id = Id(reader, requireId),
            Provider = reader.RequiredString("provider"),
            Model = reader.String("model") ?? "*",
            Key = reader.String("key"),
            QueriesPerSecond = Whole(reader, "queries_per_second", reader.Number("queries_per_second", 1, long.MaxValue)),
            QueriesPerHour = Whole(reader, "queries_per_hour", reader.Number("queries_per_hour", 1, long.MaxValue)),
            InputTokensPerMinute = Whole(reader, "input_tokens_per_minute", reader.Number("input_tokens_per_minute", 1, long.MaxValue)),
            OutputTokensPerMinute = Whole(reader, "output_tokens_per_minute", reader.Number("output_tokens_per_minute", 1, long.MaxValue)),
            EmbeddingInputsPerSecond = Whole(reader, "embedding_inputs_per_second", reader.Number("embedding_inputs_per_second", 1, long.MaxValue)),
        };
        foreach (var (field, value, seconds) in new (string, long?, double)[]
        {
            ("queries_per_second", limit.QueriesPerSecond, 1), ("embedding_inputs_per_second", limit.EmbeddingInputsPerSecond, 1),
            ("input_tokens_per_minute", limit.InputTokensPerMinute, 60), ("output_tokens_per_minute", limit.OutputTokensPerMinute, 60),
        })
        {
            if (value / seconds > RateLimitDefinition.MaxRatePerSecond)
            {
                throw new ConfigException(reader.PathOf(field), $"more than {RateLimitDefinition.MaxRatePerSecond:0} per second cannot be counted");
            }
        }

        if (limit is { QueriesPerSecond: null, QueriesPerHour: null, InputTokensPerMinute: null, OutputTokensPerMinute: null, EmbeddingInputsPerSecond: null })
        {
            throw new ConfigException(reader.Path, "a model limit needs at least one of queries_per_second, queries_per_hour, input_tokens_per_minute, output_tokens_per_minute, embedding_inputs_per_second");
        }

        reader.Finish(FrozenSet<string>.Empty, warnings);
        return limit;
    }

    /// <param name="requireValue">Config-file keys carry their value; keys created through the API get a generated one.</param>
    public VirtualKey ReadVirtualKey(JsonObjectReader reader, List<string> warnings, bool requireValue, string? generatedValue = null)
    {
        var id = Id(reader, requireValue);
        var name = reader.RequiredString("name");
        var rawValue = requireValue ? reader.RequiredString("value") : reader.String("value");
        var value = rawValue is null ? generatedValue : secrets.Resolve(rawValue, reader.PathOf("value"));
        if (value is null)
        {
            throw new ConfigException(reader.PathOf("value"), "is required");
        }

        if (value.Length < 16)
        {
            throw new ConfigException(reader.PathOf("value"), "a virtual key must be at least 16 characters");
        }

        var access = new List<ProviderAccess>();
        foreach (var (element, path) in reader.Array("provider_configs"))
        {
            var item = new JsonObjectReader(element, path);
            access.Add(new ProviderAccess(
                item.RequiredString("provider"),
                item.StringArray("allowed_models") is { Count: > 0 } models ? models : ["*"],
                item.Number("weight", 0, 1_000_000) ?? 1.0));
            item.Finish(FrozenSet.Create(StringComparer.Ordinal, "id", "virtual_key_id", "budget_id", "rate_limit_id", "keys"), warnings);
        }

        var key = new VirtualKey
        {
            Id = id,
            Name = name,
            Description = reader.String("description"),
            KeyHash = VirtualKeyValues.Hash(value),
            KeyHint = VirtualKeyValues.Hint(value),
            TeamId = reader.String("team_id"),
            CustomerId = reader.String("customer_id"),
            BudgetId = reader.String("budget_id"),
            RateLimitId = reader.String("rate_limit_id"),
            ProviderConfigs = access,
            Fallbacks = reader.StringArray("fallbacks"),
            IsActive = reader.Bool("is_active") ?? true,
            ExpiresAt = ReadTime(reader, "expires_at"),
            MaxConcurrentRequests = reader.Int("max_concurrent_requests", 1, 1_000_000),
            LogContent = LogContentModes.Read(reader, "log_content"),
            Guardrails = ReadGuardrails(reader),
            Cache = CacheConfigReader.ReadExact(reader.Object("cache"), warnings, null),
            CreatedAt = time.GetUtcNow(),
        };
        if (key.TeamId is not null && key.CustomerId is not null)
        {
            throw new ConfigException(reader.PathOf("customer_id"), "a virtual key belongs to a team or a customer, not both (the team names its customer)");
        }

        reader.Finish(BifrostVirtualKeyFields, warnings);
        return key;
    }

    private string Id(JsonObjectReader reader, bool required)
    {
        var id = required ? reader.RequiredString("id") : reader.String("id");
        id ??= Guid.CreateVersion7(time.GetUtcNow()).ToString("N")[..16];
        if (id.Length > 128 || id.Any(c => char.IsWhiteSpace(c) || c == '/'))
        {
            throw new ConfigException(reader.PathOf("id"), "an id must be at most 128 characters without spaces or '/'");
        }

        return id;
    }

    private static void CheckWindow(JsonObjectReader reader, double? max, string? duration, string kind)
    {
        if (duration is null)
        {
            if (max is not null)
            {
                throw new ConfigException(reader.PathOf($"{kind}_reset_duration"), $"is required with {kind}_max_limit");
            }

            return;
        }

        if (!DurationText.TryParse(duration, out var window))
        {
            throw new ConfigException(reader.PathOf($"{kind}_reset_duration"), $"'{duration}' is not a window (e.g. 1s, 1m, 1h, 1d)");
        }

        if (max / window.TotalSeconds > RateLimitDefinition.MaxRatePerSecond)
        {
            throw new ConfigException(reader.PathOf($"{kind}_max_limit"), $"more than {RateLimitDefinition.MaxRatePerSecond:0} per second cannot be counted; use a longer window or no limit");
        }
    }

    private static long? Whole(JsonObjectReader reader, string name, double? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Value != Math.Floor(value.Value))
        {
            throw new ConfigException(reader.PathOf(name), "expected a whole number");
        }

        return (long)value.Value;
    }

    private static DateTimeOffset? ReadTime(JsonObjectReader reader, string name)
    {
        var text = reader.String(name);
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : throw new ConfigException(reader.PathOf(name), $"'{text}' is not an ISO 8601 time");
    }
}
