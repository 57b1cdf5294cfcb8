using System.Collections.Frozen;
using System.Text.Json;
using Tollgate.Configuration;

namespace Tollgate.Operations.Alerts;

/// <summary>Reads and validates <c>alerts</c>; every error names the JSON path of the bad field.</summary>
internal static class AlertsConfigReader
{
    private static readonly FrozenDictionary<string, AlertChannelType> ChannelTypes = new Dictionary<string, AlertChannelType>
    {
        ["webhook"] = AlertChannelType.Webhook,
        ["slack"] = AlertChannelType.Slack,
        ["teams"] = AlertChannelType.Teams,
        ["pagerduty"] = AlertChannelType.PagerDuty,
        ["email"] = AlertChannelType.Email,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, AlertRuleType> RuleTypes = new Dictionary<string, AlertRuleType>
    {
        ["budget_usage"] = AlertRuleType.BudgetUsage,
        ["error_rate"] = AlertRuleType.ErrorRate,
        ["latency_p95"] = AlertRuleType.LatencyP95,
        ["circuit_open"] = AlertRuleType.CircuitOpen,
        ["provider_unreachable"] = AlertRuleType.ProviderUnreachable,
        ["rate_limit_rejections"] = AlertRuleType.RateLimitRejections,
        ["budget_rejections"] = AlertRuleType.BudgetRejections,
        ["log_drops"] = AlertRuleType.LogDrops,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly string[] Severities = ["critical", "error", "warning", "info"];

    public static string TypeName(AlertChannelType type) => ChannelTypes.First(p => p.Value == type).Key;

    public static string TypeName(AlertRuleType type) => RuleTypes.First(p => p.Value == type).Key;

    public static AlertsConfig Read(JsonObjectReader section, ISecretResolver secrets)
    {
        var config = new AlertsConfig
        {
            EvaluationInterval = TimeSpan.FromSeconds(section.Int("evaluation_interval_seconds", 5, 3600) ?? 30),
            AllowLinkLocal = section.Bool("allow_link_local") ?? false,
            Channels = [.. section.Array("channels").Select(c => ReadChannel(new JsonObjectReader(c.Element, c.Path), secrets))],
        };
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var channel in config.Channels)
        {
            if (!ids.Add(channel.Id))
            {
                throw new ConfigException($"{section.PathOf("channels")}[{index}].id", $"channel id '{channel.Id}' is declared twice");
            }

            index++;
        }

        var rules = section.Array("rules").Select(r => ReadRule(new JsonObjectReader(r.Element, r.Path), ids)).ToList();
        var ruleIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            if (!ruleIds.Add(rules[i].Id))
            {
                throw new ConfigException($"{section.PathOf("rules")}[{i}].id", $"rule id '{rules[i].Id}' is declared twice");
            }
        }

        section.Finish(FrozenSet<string>.Empty, []);
        return config with { Rules = rules };
    }

    private static AlertChannelConfig ReadChannel(JsonObjectReader reader, ISecretResolver secrets)
    {
        var id = reader.RequiredString("id");
        var typeName = reader.RequiredString("type");
        if (!ChannelTypes.TryGetValue(typeName, out var type))
        {
            throw new ConfigException(reader.PathOf("type"), $"unknown channel type '{typeName}' (webhook, slack, teams, pagerduty, email)");
        }

        string? Secret(string name) => reader.String(name) is { } value ? secrets.Resolve(value, reader.PathOf(name)) : null;
        var channel = new AlertChannelConfig
        {
            Id = id,
            Type = type,
            Url = Secret("url"),
            Secret = type == AlertChannelType.Webhook ? Secret("secret") : null,
            RoutingKey = type == AlertChannelType.PagerDuty ? Secret("routing_key") : null,
            SmtpHost = type == AlertChannelType.Email ? reader.String("host") : null,
            SmtpPort = type == AlertChannelType.Email ? reader.Int("port", 1, 65535) ?? 587 : 587,
            Username = type == AlertChannelType.Email ? reader.String("username") : null,
            Password = type == AlertChannelType.Email ? Secret("password") : null,
            From = type == AlertChannelType.Email ? reader.String("from") : null,
            To = type == AlertChannelType.Email ? reader.StringArray("to") ?? [] : [],
            StartTls = type == AlertChannelType.Email ? reader.String("starttls") ?? "required" : "required",
            InsecureSkipVerify = type == AlertChannelType.Email && (reader.Bool("insecure_skip_verify") ?? false),
            MaxAttempts = reader.Int("max_attempts", 1, 10) ?? 4,
        };

        if (type == AlertChannelType.PagerDuty)
        {
            channel = channel with { Url = channel.Url ?? "https://events.pagerduty.com/v2/enqueue" };
            Require(reader, "routing_key", channel.RoutingKey);
        }
        else if (type == AlertChannelType.Email)
        {
            Require(reader, "host", channel.SmtpHost);
            Require(reader, "from", channel.From);
            if (channel.To.Count == 0)
            {
                throw new ConfigException(reader.PathOf("to"), "is required: at least one recipient");
            }

            if (channel.StartTls is not ("required" or "when_available" or "none"))
            {
                throw new ConfigException(reader.PathOf("starttls"), "must be required, when_available or none");
            }
        }
        else
        {
            Require(reader, "url", channel.Url);
        }

        if (channel.Url is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new ConfigException(reader.PathOf("url"), "must be an absolute http or https URL");
        }

        reader.Finish(FrozenSet<string>.Empty, []);
        return channel;
    }

    private static AlertRuleConfig ReadRule(JsonObjectReader reader, HashSet<string> channels)
    {
        var id = reader.RequiredString("id");
        var typeName = reader.RequiredString("type");
        if (!RuleTypes.TryGetValue(typeName, out var type))
        {
            throw new ConfigException(reader.PathOf("type"), $"unknown rule type '{typeName}' ({string.Join(", ", RuleTypes.Keys.Order(StringComparer.Ordinal))})");
        }

        var ruleChannels = reader.StringArray("channels") ?? [];
        if (ruleChannels.Count == 0)
        {
            throw new ConfigException(reader.PathOf("channels"), "is required: at least one channel id");
        }

        for (var i = 0; i < ruleChannels.Count; i++)
        {
            if (!channels.Contains(ruleChannels[i]))
            {
                throw new ConfigException($"{reader.PathOf("channels")}[{i}]", $"no channel with id '{ruleChannels[i]}' in alerts.channels");
            }
        }

        var rule = new AlertRuleConfig
        {
            Id = id,
            Type = type,
            Channels = ruleChannels,
            BudgetId = reader.String("budget_id"),
            Thresholds = ReadThresholds(reader),
            Threshold = reader.Number("threshold", 0) ?? DefaultThreshold(type),
            Window = TimeSpan.FromSeconds(reader.Int("window_seconds", 10, 7 * 86400) ?? 300),
            MinRequests = reader.Int("min_requests", 1, 1_000_000) ?? 10,
            Provider = reader.String("provider"),
            Model = reader.String("model"),
            VirtualKeyId = reader.String("virtual_key_id"),
            KeyName = reader.String("key_name"),
            Cooldown = TimeSpan.FromSeconds(reader.Int("cooldown_seconds", 0, 7 * 86400) ?? 900),
            Severity = reader.String("severity") ?? "warning",
        };
        if (!Severities.Contains(rule.Severity, StringComparer.Ordinal))
        {
            throw new ConfigException(reader.PathOf("severity"), "must be critical, error, warning or info");
        }

        if (type == AlertRuleType.BudgetUsage)
        {
            Require(reader, "budget_id", rule.BudgetId);
            if (rule.Thresholds.Count == 0)
            {
                rule = rule with { Thresholds = [80, 100] };
            }
        }
        else if (type == AlertRuleType.ErrorRate && rule.Threshold > 1)
        {
            throw new ConfigException(reader.PathOf("threshold"), "an error rate is a fraction between 0 and 1");
        }

        reader.Finish(FrozenSet<string>.Empty, []);
        return rule;
    }

    private static double DefaultThreshold(AlertRuleType type) => type switch
    {
        AlertRuleType.ErrorRate => 0.05,
        AlertRuleType.LatencyP95 => 10_000,
        _ => 1,
    };

    private static List<double> ReadThresholds(JsonObjectReader reader)
    {
        var list = new List<double>();
        foreach (var (element, path) in reader.Array("thresholds"))
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || value <= 0 || value > 1000)
            {
                throw new ConfigException(path, "expected a percentage of the budget's limit, above 0 and at most 1000");
            }

            list.Add(value);
        }

        list.Sort();
        return list;
    }

    private static void Require(JsonObjectReader reader, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ConfigException(reader.PathOf(name), "is required for this type");
        }
    }
}
