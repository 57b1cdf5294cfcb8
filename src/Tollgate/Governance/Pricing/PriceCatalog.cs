using System.Buffers;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Tollgate.Configuration;

namespace Tollgate.Governance.Pricing;

/// <summary>
/// The shipped price catalog plus the config file's overrides, answering "what does this model cost?" for every
/// request. Immutable: a config reload builds a new one with <see cref="WithOverrides"/> and swaps it in.
/// </summary>
/// <remarks>
/// <code>
/// TryGet(providerName, providerType, model):
///   1 override  providerName/model      "dbx-prod/databricks-meta-llama-3-3-70b-instruct"
///   2 override  model                   "gpt-4o-mini"
///   3 shipped   providerType/model       "databricks/databricks-meta-llama-3-3-70b-instruct"
///               openai/model when the type is azure (Azure deployments bill at OpenAI's list prices)
///   4 shipped   model, any provider type (first in file order)
///   5 steps 1-4 again with the snapshot suffix removed: gpt-4o-mini-2024-07-18 -> gpt-4o-mini
/// </code>
/// Keys compare case-insensitively. Lookups build composite keys on the stack and probe frozen dictionaries through
/// span lookups, so pricing a request allocates nothing.
/// </remarks>
internal sealed class PriceCatalog
{
    /// <summary>Name of the embedded catalog; set by the LogicalName in Tollgate.csproj.</summary>
    public const string ResourceName = "Tollgate.Governance.Pricing.prices.json";

    private const int StackKeyLength = 256;

    private static readonly Lazy<PriceCatalog> LazyShipped = new(LoadShipped);

    private readonly FrozenDictionary<string, ModelPrice> _shipped;
    private readonly FrozenDictionary<string, ModelPrice> _shippedByModel;
    private readonly FrozenDictionary<string, ModelPrice> _overrides;
    private readonly FrozenDictionary<string, ModelPrice>.AlternateLookup<ReadOnlySpan<char>> _shippedLookup;
    private readonly FrozenDictionary<string, ModelPrice>.AlternateLookup<ReadOnlySpan<char>> _shippedByModelLookup;
    private readonly FrozenDictionary<string, ModelPrice>.AlternateLookup<ReadOnlySpan<char>> _overridesLookup;

    private PriceCatalog(
        FrozenDictionary<string, ModelPrice> shipped,
        FrozenDictionary<string, ModelPrice> shippedByModel,
        FrozenDictionary<string, ModelPrice> overrides)
    {
        _shipped = shipped;
        _shippedByModel = shippedByModel;
        _overrides = overrides;
        _shippedLookup = shipped.GetAlternateLookup<ReadOnlySpan<char>>();
        _shippedByModelLookup = shippedByModel.GetAlternateLookup<ReadOnlySpan<char>>();
        _overridesLookup = overrides.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The catalog shipped in the assembly, parsed once on first use.</summary>
    public static PriceCatalog Shipped => LazyShipped.Value;

    /// <summary>Shipped entries keyed by <c>provider type/model</c>, for listing in the admin API.</summary>
    public IReadOnlyDictionary<string, ModelPrice> ShippedEntries => _shipped;

    /// <summary>Config overrides as resolved (null fields already filled from the shipped entry).</summary>
    public IReadOnlyDictionary<string, ModelPrice> Overrides => _overrides;

    /// <summary>Builds a catalog from catalog JSON (the shipped file, or a test's own).</summary>
    /// <exception cref="InvalidDataException">The document is not a valid catalog.</exception>
    public static PriceCatalog Parse(ReadOnlySpan<byte> json)
    {
        var entries = PriceCatalogReader.Read(json);
        var byModel = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, price) in entries)
        {
            // File order decides which provider's price a bare model name gets; first-party providers come first.
            byModel.TryAdd(key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..], price);
        }

        return new PriceCatalog(
            entries.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            byModel.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            FrozenDictionary.Create<string, ModelPrice>(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// This catalog's shipped prices with <paramref name="overrides"/> on top (replacing any overrides it had).
    /// A key is <c>provider name/model</c> or a bare model. A null override field inherits the shipped entry for the
    /// same model, if there is one; with none, a null input or output price means free and a null cache price means
    /// "bill at the input price".
    /// </summary>
    public PriceCatalog WithOverrides(IReadOnlyDictionary<string, PriceOverride> overrides)
    {
        var resolved = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, priceOverride) in overrides)
        {
            var shipped = FindShippedForOverride(key);
            resolved[key] = new ModelPrice
            {
                InputPerMTok = ToPrice(priceOverride.InputPerMTok) ?? shipped?.InputPerMTok ?? 0m,
                OutputPerMTok = ToPrice(priceOverride.OutputPerMTok) ?? shipped?.OutputPerMTok ?? 0m,
                CachedInputPerMTok = ToPrice(priceOverride.CachedInputPerMTok) ?? shipped?.CachedInputPerMTok,
                CacheWritePerMTok = ToPrice(priceOverride.CacheWritePerMTok) ?? shipped?.CacheWritePerMTok,
                MaxOutputTokens = shipped?.MaxOutputTokens,
                ContextWindow = shipped?.ContextWindow,
            };
        }

        return new PriceCatalog(_shipped, _shippedByModel, resolved.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The price of <paramref name="model"/> as served by the configured provider
    /// <paramref name="providerName"/> of type <paramref name="providerType"/>; false when nothing matches.</summary>
    public bool TryGet(string providerName, string providerType, string model, [MaybeNullWhen(false)] out ModelPrice price)
    {
        if (TryGetExact(providerName, providerType, model, out price))
        {
            return true;
        }

        var alias = ModelVersionSuffix.Strip(model);
        return alias.Length != model.Length && TryGetExact(providerName, providerType, alias, out price);
    }

    private bool TryGetExact(
        ReadOnlySpan<char> providerName,
        ReadOnlySpan<char> providerType,
        ReadOnlySpan<char> model,
        [MaybeNullWhen(false)] out ModelPrice price)
    {
        if (_overrides.Count > 0
            && (TryGetComposite(_overridesLookup, providerName, model, out price) || _overridesLookup.TryGetValue(model, out price)))
        {
            return true;
        }

        if (TryGetComposite(_shippedLookup, providerType, model, out price))
        {
            return true;
        }

        if (providerType.Equals("azure", StringComparison.OrdinalIgnoreCase)
            && TryGetComposite(_shippedLookup, "openai", model, out price))
        {
            return true;
        }

        return _shippedByModelLookup.TryGetValue(model, out price);
    }

    private static bool TryGetComposite(
        FrozenDictionary<string, ModelPrice>.AlternateLookup<ReadOnlySpan<char>> lookup,
        ReadOnlySpan<char> prefix,
        ReadOnlySpan<char> model,
        [MaybeNullWhen(false)] out ModelPrice price)
    {
        if (prefix.IsEmpty)
        {
            price = null;
            return false;
        }

        var length = prefix.Length + 1 + model.Length;
        char[]? rented = null;
        var key = length <= StackKeyLength ? stackalloc char[StackKeyLength] : (rented = ArrayPool<char>.Shared.Rent(length));
        prefix.CopyTo(key);
        key[prefix.Length] = '/';
        model.CopyTo(key[(prefix.Length + 1)..]);
        var found = lookup.TryGetValue(key[..length], out price);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return found;
    }

    private ModelPrice? FindShippedForOverride(string key)
    {
        if (FindShipped(key) is { } price)
        {
            return price;
        }

        // The snapshot suffix sits at the end of the model, which is the end of the key.
        var alias = ModelVersionSuffix.Strip(key);
        return alias.Length != key.Length ? FindShipped(alias.ToString()) : null;
    }

    private ModelPrice? FindShipped(string key)
    {
        // An override's prefix is a provider *name*, which may or may not also be a type ("openai" is both,
        // "dbx-prod" is only a name), so try the key as a type/model first, then as a bare model (a model may itself
        // contain a slash: groq serves "openai/gpt-oss-120b"), then the part after the first slash.
        if (_shipped.TryGetValue(key, out var price) || _shippedByModel.TryGetValue(key, out price))
        {
            return price;
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 && _shippedByModel.TryGetValue(key[(slash + 1)..], out price) ? price : null;
    }

    // Config prices arrive as doubles (the config reader's number type). The decimal conversion keeps the 15
    // significant digits a double holds reliably, so 0.075 becomes exactly 0.075m. The config reader already rejects
    // negatives and non-numbers; anything that slips through is ignored rather than turned into a wrong price.
    private static decimal? ToPrice(double? value) =>
        value is { } v && double.IsFinite(v) && v is >= 0 and <= 1_000_000 ? (decimal)v : null;

    private static PriceCatalog LoadShipped()
    {
        using var stream = typeof(PriceCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded price catalog '{ResourceName}' is missing from the build.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }
}
