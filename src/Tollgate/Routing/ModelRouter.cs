using Tollgate.Governance.Model;
using Tollgate.Inference;
using Tollgate.Providers;

namespace Tollgate.Routing;

/// <summary>
/// Resolves a request's <c>model</c> to a provider and the upstream's model name. <c>provider/model</c> names the
/// provider; a bare name (or one whose prefix is no provider, like <c>meta-llama/Llama-3.1-8B</c>) resolves when exactly
/// one provider serves it, by config or by discovery.
/// </summary>
internal sealed class ModelRouter(ProviderRegistry registry, ModelCatalog catalog)
{
    /// <param name="nativeProvider">On a drop-in path (<c>/anthropic</c>), the provider a bare model name means.</param>
    /// <param name="access">
    /// The virtual key's provider list: a bare model name allowed by several of its providers is spread across them by
    /// their weights (Bifrost's per-key provider weights), e.g. 70% openai, 30% azure.
    /// </param>
    public GatewayError? TryResolve(string model, out ProviderRuntime provider, out string upstreamModel, string? nativeProvider = null,
        IReadOnlyList<ProviderAccess>? access = null)
    {
        var slash = model.IndexOf('/');
        if (slash > 0 && registry.Providers.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(model.AsSpan(0, slash), out provider!))
        {
            upstreamModel = model[(slash + 1)..];
            if (upstreamModel.Length == 0)
            {
                return GatewayError.BadRequest($"Model '{model}' names provider '{provider.Name}' but no model after the slash.", "model");
            }

            return null;
        }

        upstreamModel = model;
        if (nativeProvider is not null && slash < 0 && registry.TryGet(nativeProvider, out provider))
        {
            return null;
        }

        if (access is { Count: > 0 } && PickByKeyWeights(access, model) is { } weighted)
        {
            provider = weighted;
            return null;
        }

        provider = null!;
        ProviderRuntime? only = null;
        var count = 0;
        foreach (var candidate in catalog.ProvidersServing(model))
        {
            only = candidate;
            count++;
        }

        if (count == 1)
        {
            provider = only!;
            return null;
        }

        if (count > 1)
        {
            return GatewayError.BadRequest(
                $"Model '{model}' is served by several providers; name one as 'provider/{model}'.", "model", "ambiguous_model");
        }

        if (slash > 0)
        {
            var configured = registry.Providers.Count == 0
                ? "none yet (add one with --config or PUT /api/providers/{name})"
                : string.Join(", ", registry.Providers.Keys.Order(StringComparer.Ordinal));
            return GatewayError.ModelNotFound($"Unknown provider '{model[..slash]}' in model '{model}'. Configured providers: {configured}.");
        }

        return GatewayError.ModelNotFound($"The model '{model}' does not exist or is not routable; use 'provider/model' (see GET /v1/models).");
    }

    private ProviderRuntime? PickByKeyWeights(IReadOnlyList<ProviderAccess> access, string model)
    {
        var total = 0.0;
        foreach (var entry in access)
        {
            if (entry.Weight > 0 && registry.TryGet(entry.Provider, out _) && entry.AllowedModels.Any(p => Glob.Matches(p, model)))
            {
                total += entry.Weight;
            }
        }

        if (total <= 0)
        {
            return null;
        }

        var pick = Random.Shared.NextDouble() * total;
        ProviderRuntime? chosen = null;
        foreach (var entry in access)
        {
            if (entry.Weight > 0 && registry.TryGet(entry.Provider, out var candidate) && entry.AllowedModels.Any(p => Glob.Matches(p, model)))
            {
                chosen = candidate;
                pick -= entry.Weight;
                if (pick < 0)
                {
                    break;
                }
            }
        }

        return chosen;
    }
}
