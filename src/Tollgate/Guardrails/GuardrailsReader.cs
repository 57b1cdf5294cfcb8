using System.Collections.Frozen;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tollgate.Configuration;
using Tollgate.Governance;
using Tollgate.Guardrails.Detection;

namespace Tollgate.Guardrails;

/// <summary>
/// Reads a <c>guardrails</c> section (gateway, virtual key or team): Databricks AI Gateway's shape
/// (<c>input</c>/<c>output</c> with <c>safety</c>, <c>pii.behavior</c>, <c>invalid_keywords</c>, <c>valid_topics</c>)
/// plus <c>rules</c>. Every error names its JSON path. Rule types it does not run itself go to the factories.
/// </summary>
internal sealed class GuardrailsReader(IEnumerable<IGuardrailCheckFactory> factories) : IGuardrailsCheck
{
    public static readonly GuardrailsReader BuiltInOnly = new([]);

    private static readonly FrozenSet<string> BuiltInTypes = FrozenSet.Create(StringComparer.Ordinal, "pii", "regex", "keywords", "size");
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private readonly FrozenDictionary<string, IGuardrailCheckFactory> _factories =
        factories.GroupBy(static f => f.Type, StringComparer.Ordinal).ToFrozenDictionary(static g => g.Key, static g => g.Last(), StringComparer.Ordinal);

    void IGuardrailsCheck.Check(JsonElement guardrails, string jsonPath) => Read(guardrails, jsonPath);

    public GuardrailsConfig Read(JsonElement element, string path)
    {
        var warnings = new List<string>();
        var section = new JsonObjectReader(element, path);
        var rules = new List<GuardrailRule>();
        ReadDatabricks(section.Object("input"), GuardrailApplyTo.Input, rules);
        ReadDatabricks(section.Object("output"), GuardrailApplyTo.Output, rules);
        var ids = new HashSet<string>(rules.Select(static r => r.Options.Id), StringComparer.Ordinal);
        foreach (var (item, itemPath) in section.Array("rules"))
        {
            var rule = ReadRule(item, itemPath, fromConfig: true);
            if (!ids.Add(rule.Options.Id))
            {
                throw new ConfigException($"{itemPath}.id", $"duplicate rule id '{rule.Options.Id}'");
            }

            rules.Add(rule);
        }

        section.Finish(FrozenSet<string>.Empty, warnings);
        return rules.Count == 0 ? GuardrailsConfig.Empty : new GuardrailsConfig(rules);
    }

    private void ReadDatabricks(JsonObjectReader? side, GuardrailApplyTo applyTo, List<GuardrailRule> rules)
    {
        if (side is null)
        {
            return;
        }

        var prefix = applyTo == GuardrailApplyTo.Input ? "input" : "output";
        var warnings = new List<string>();
        if (side.Bool("safety") == true)
        {
            rules.Add(External(new GuardrailRuleOptions { Id = $"{prefix}.safety", Type = "safety", ApplyTo = applyTo, FromConfig = true, Settings = Empty() }, side.PathOf("safety")));
        }

        if (side.Object("pii") is { } pii)
        {
            var behavior = pii.String("behavior")?.ToUpperInvariant() ?? "NONE";
            GuardrailAction? action = behavior switch
            {
                "BLOCK" => GuardrailAction.Block,
                "MASK" => GuardrailAction.Mask,
                "NONE" => null,
                _ => throw new ConfigException(pii.PathOf("behavior"), "expected BLOCK, MASK or NONE"),
            };
            pii.Finish(FrozenSet<string>.Empty, warnings);
            if (action is { } act)
            {
                rules.Add(new GuardrailRule
                {
                    Options = new GuardrailRuleOptions { Id = $"{prefix}.pii", Type = "pii", ApplyTo = applyTo, Action = act, FromConfig = true, Settings = Empty() },
                    Kind = BuiltInKind.Pii,
                    Entities = PiiDetectors.All,
                });
            }
        }

        if (side.StringArray("invalid_keywords") is { Count: > 0 } keywords)
        {
            rules.Add(new GuardrailRule
            {
                Options = new GuardrailRuleOptions { Id = $"{prefix}.invalid_keywords", Type = "keywords", ApplyTo = applyTo, FromConfig = true, Settings = Empty() },
                Kind = BuiltInKind.Keywords,
                Keywords = new KeywordMatcher(keywords),
                Entity = "KEYWORD",
            });
        }

        if (side.StringArray("valid_topics") is { Count: > 0 } topics)
        {
            var settings = JsonSerializer.SerializeToElement(new Dictionary<string, IReadOnlyList<string>> { ["topics"] = topics }, GuardrailsJsonContext.Default.DictionaryStringIReadOnlyListString);
            rules.Add(External(new GuardrailRuleOptions { Id = $"{prefix}.valid_topics", Type = "valid_topics", ApplyTo = applyTo, FromConfig = true, Settings = settings }, side.PathOf("valid_topics")));
        }

        side.Finish(FrozenSet<string>.Empty, warnings);
    }

    /// <summary>Reads one entry of <c>rules</c> (config file or admin API body).</summary>
    public GuardrailRule ReadRule(JsonElement element, string path, bool fromConfig)
    {
        var reader = new JsonObjectReader(element, path);
        var id = reader.RequiredString("id");
        var type = reader.RequiredString("type");
        var applyTo = reader.String("apply_to") switch
        {
            null or "both" => GuardrailApplyTo.Both,
            "input" => GuardrailApplyTo.Input,
            "output" => GuardrailApplyTo.Output,
            _ => throw new ConfigException(reader.PathOf("apply_to"), "expected input, output or both"),
        };
        var action = reader.String("action") switch
        {
            null or "block" => GuardrailAction.Block,
            "mask" => GuardrailAction.Mask,
            "log" => GuardrailAction.Log,
            _ => throw new ConfigException(reader.PathOf("action"), "expected block, mask or log"),
        };
        var onError = reader.String("on_error") switch
        {
            null or "open" => GuardrailOnError.Open,
            "closed" => GuardrailOnError.Closed,
            _ => throw new ConfigException(reader.PathOf("on_error"), "expected open or closed"),
        };
        var scope = reader.Object("scope");
        var options = new GuardrailRuleOptions
        {
            Id = id,
            Type = type,
            ApplyTo = applyTo,
            Action = action,
            OnError = onError,
            Sampling = reader.Number("sampling", 0, 1) ?? 1.0,
            TimeoutMs = reader.Int("timeout_ms", 1, 600_000) ?? 2000,
            Models = scope?.StringArray("models") ?? [],
            Providers = scope?.StringArray("providers") ?? [],
            Keys = scope?.StringArray("keys") ?? [],
            FromConfig = fromConfig,
            Settings = element.Clone(),
        };
        scope?.Finish(FrozenSet<string>.Empty, []);
        if (!BuiltInTypes.Contains(type))
        {
            // Type-specific fields are the factory's to validate.
            return External(options, reader.PathOf("type"), path);
        }

        if (action == GuardrailAction.Mask && type == "size")
        {
            throw new ConfigException(reader.PathOf("action"), "a size rule can block or log, not mask");
        }

        GuardrailRule rule;
        switch (type)
        {
            case "pii":
                var entities = reader.StringArray("entities") is { Count: > 0 } list ? list : PiiDetectors.All;
                var index = 0;
                foreach (var entity in entities)
                {
                    if (!PiiDetectors.Known.Contains(entity))
                    {
                        throw new ConfigException($"{reader.PathOf("entities")}[{index}]", $"unknown entity type '{entity}' (known: {string.Join(", ", PiiDetectors.All)})");
                    }

                    index++;
                }

                rule = new GuardrailRule { Options = options, Kind = BuiltInKind.Pii, Entities = [.. entities] };
                break;
            case "regex":
                var pattern = reader.RequiredString("pattern");
                Regex regex;
                try
                {
                    regex = new Regex(pattern, RegexOptions.CultureInvariant | (reader.Bool("ignore_case") == true ? RegexOptions.IgnoreCase : RegexOptions.None), RegexTimeout);
                }
                catch (ArgumentException ex)
                {
                    throw new ConfigException(reader.PathOf("pattern"), $"invalid regex: {ex.Message}");
                }

                rule = new GuardrailRule { Options = options, Kind = BuiltInKind.Regex, Pattern = regex, Entity = EntityName(reader, "CUSTOM") };
                break;
            case "keywords":
                var words = reader.StringArray("keywords") is { Count: > 0 } given ? given : throw new ConfigException(reader.PathOf("keywords"), "needs at least one keyword");
                rule = new GuardrailRule { Options = options, Kind = BuiltInKind.Keywords, Keywords = new KeywordMatcher(words), Entity = EntityName(reader, "KEYWORD") };
                break;
            default:
                var max = reader.Int("max_chars", 1, int.MaxValue) ?? throw new ConfigException(reader.PathOf("max_chars"), "is required");
                rule = new GuardrailRule { Options = options, Kind = BuiltInKind.Size, MaxChars = max };
                break;
        }

        reader.Finish(FrozenSet<string>.Empty, []);
        return rule;
    }

    private static string EntityName(JsonObjectReader reader, string fallback)
    {
        var name = reader.String("entity") ?? fallback;
        if (name.Length is 0 or > 40 || !name.All(static c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ConfigException(reader.PathOf("entity"), "expected UPPER_CASE letters, digits or _ (at most 40)");
        }

        return name;
    }

    private GuardrailRule External(GuardrailRuleOptions options, string typePath, string? rulePath = null)
    {
        if (!_factories.TryGetValue(options.Type, out var factory))
        {
            var known = string.Join(", ", BuiltInTypes.Concat(_factories.Keys).Order(StringComparer.Ordinal));
            throw new ConfigException(typePath, $"unknown guardrail rule type '{options.Type}' (known: {known})");
        }

        return new GuardrailRule { Options = options, Check = factory.Create(options, rulePath ?? typePath) };
    }

    private static JsonElement Empty() => JsonSerializer.SerializeToElement(new Dictionary<string, IReadOnlyList<string>>(), GuardrailsJsonContext.Default.DictionaryStringIReadOnlyListString);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, IReadOnlyList<string>>))]
internal sealed partial class GuardrailsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
